// DTMF detection on 8 or 16 kHz streams, with state across frames.
//
// Every 10 ms the detector analyses the last 20 ms through a Hann window: the DFT at each of the
// eight Q.23 frequencies gives each tone's level, and the phase advance of that DFT between two
// windows 5 ms apart gives each tone's actual frequency. A window holds a key when the strongest
// row and column tones each are loud enough, within the frequency tolerance, within the twist
// limits, and carry most of the window's power (a window only partly filled by a tone fails this).
// Consecutive windows of one key must also agree on both frequencies within 0.5 %: speech
// harmonics that wander into the tolerance glide, real tones do not. The limits below were tuned
// on three hours of espeak-ng speech (14 voices, 3 pitches, two levels) with no false key, while
// keys are still all found with white noise 6 dB below the low-group tone.
// A key is reported once, after two such windows in a row: a tone of 40 ms always fills two
// windows, one of 20 ms never does. It ends after four windows without it: a gap of 40 ms always
// spoils four windows, a 10 ms drop-out at most three.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vg {
namespace dtmf {

struct DetectorLimits {
  double min_tone_dbov = -42.0;       // each tone's level (about -36 dBm0)
  double max_normal_twist_db = 8.5;   // high group louder than low group
  double max_reverse_twist_db = 4.5;  // low group louder than high group
  double max_freq_dev = 0.02;         // relative deviation; Q.24: accept 1.5 %, reject 3.5 %
  double min_tone_share = 0.85;       // fraction of the window's power in the two tones
  double max_dev_step = 0.005;        // drift of either tone's frequency between the windows of a key
};

class Detector {
 public:
  static constexpr int kOnWindows = 2;
  static constexpr int kOffWindows = 4;

  Detector(int sample_rate, const DetectorLimits& limits);
  // Consumes n samples; appends each newly detected key to `keys` (at most `max_keys`), returns count.
  size_t Process(const int16_t* x, size_t n, char* keys, size_t max_keys);
  void Reset();

  // Analysis of one window, for the state machine, tests and diagnostics.
  struct Window {
    char key;  // 0 when the window holds no key
    double row_dbov, col_dbov, total_dbov;
    double row_dev, col_dev;  // relative frequency deviation of the strongest tones
    int row, col;
  };
  const Window& last_window() const { return last_; }

  // Key state machine, one step per analysed window:
  //
  //   idle --key window (candidate run 1)--> candidate
  //   candidate --same key, frequencies steady--> candidate, run + 1; at kOnWindows: key (REPORT)
  //   candidate --other key or unsteady--> candidate, run 1   candidate --no key--> idle
  //   key --same key--> key (misses 0)   key --anything else--> key, misses + 1
  //   key --kOffWindows misses in a row--> idle
  enum class State { kIdle, kCandidate, kKey };
  // Advances the machine by one window; returns the key to report, or 0.
  char Step(const Window& w);
  State state() const { return state_; }

 private:
  char Analyse();

  int rate_;
  DetectorLimits lim_;
  size_t win_, lag_, hop_;        // window length, phase-estimate lag, hop (samples)
  std::vector<float> cos_tab_, sin_tab_;  // Hann-windowed basis, [n][f] (win_ x 8)
  std::vector<float> window_;     // Hann window
  double win_sum_ = 0, win_sq_sum_ = 0;
  std::vector<float> buf_;        // the last win_ + lag_ samples
  size_t since_hop_ = 0;          // samples since the last analysis
  size_t seen_ = 0;               // samples consumed (saturating at buffer length)
  // Key state machine (see Step): the candidate or reported key and its run of windows.
  State state_ = State::kIdle;
  char key_ = 0;
  int run_ = 0;  // candidate: windows in a row; key: misses in a row
  double prev_row_dev_ = 0, prev_col_dev_ = 0;
  Window last_{};
};

}  // namespace dtmf
}  // namespace vg
