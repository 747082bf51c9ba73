// Energy voice-activity detector with onset delay and hangover, for barge-in (speech starts) and
// prompt-end detection (speech stopped for `hangover_ms`). A frame is speech when its energy is at
// least `threshold_dbov` and `margin_db` above a noise floor that the first frame seeds, that
// drops at once to any quieter frame and rises at `floor_rise_db_per_s` towards louder ones
// (pauses between syllables keep pulling it down to the background).
//
//   silence --speech--> onset --speech for onset_ms--> speech --quiet--> hangover
//      ^                  |                              ^                 |  |
//      +------quiet-------+                              +-----speech------+  |
//      +--------------------------quiet for hangover_ms-----------------------+
#pragma once
#include <cstddef>
#include <cstdint>

namespace vg {
namespace vad {

enum class State : int { kSilence = 0, kOnset = 1, kSpeech = 2, kHangover = 3 };

struct Options {
  int sample_rate = 8000;
  double threshold_dbov = -45.0;
  double margin_db = 10.0;
  int onset_ms = 40;
  int hangover_ms = 400;
  double floor_rise_db_per_s = 6.0;  // how fast the noise floor follows a louder background
};

// The transition table: next state after a frame, given the time already spent in `s`.
State Next(State s, bool speech_frame, size_t run_samples, size_t frame_samples, size_t onset_samples,
           size_t hangover_samples);

class Vad {
 public:
  explicit Vad(const Options& opt);
  State Process(const int16_t* x, size_t n);
  State state() const { return state_; }
  double last_energy_dbov() const { return energy_; }
  double noise_floor_dbov() const { return floor_; }
  void Reset();

 private:
  Options opt_;
  size_t onset_samples_, hangover_samples_;
  State state_ = State::kSilence;
  size_t run_ = 0;  // samples spent in the current state
  double energy_ = -127.0;
  double floor_ = -127.0;
  bool primed_ = false;
};

}  // namespace vad
}  // namespace vg
