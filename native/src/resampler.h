// Streaming sample-rate conversion between 8, 16, 22.05, 24, 44.1 and 48 kHz: a rational L/M
// polyphase FIR whose prototype is a Kaiser-windowed sinc. State (input history and filter phase)
// lives in the object, so a stream cut into frames of any size gives the same samples as the whole
// signal resampled at once.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace vg {
namespace resample {

bool SupportedRate(int hz);

// Design targets, relative to the lower of the two Nyquist frequencies.
constexpr double kPassbandEdge = 0.85;    // flat to 0.85 * Nyquist (3.4 kHz at 8 kHz)
constexpr double kStopbandEdge = 1.0;     // attenuated from Nyquist upwards
constexpr double kAttenuationDb = 75.0;   // Kaiser design target

// One rate pair's polyphase filter bank, shared by every stream of that pair.
struct FilterBank {
  int from_hz, to_hz;
  int up, down;       // L and M: output rate = input rate * L / M
  int taps;           // K: taps per phase (prototype length L*K)
  std::vector<float> coeffs;     // L phases of K taps, each in input order (oldest first)
  std::vector<int> next_phase;   // phase after one output step
  std::vector<int> advance;      // input samples consumed by one output step
  std::vector<double> prototype; // the L*K prototype (unnormalised per phase), for analysis
  double delay_in;    // group delay in input samples
};

// Returns the cached bank for a pair (both rates must be supported and different).
std::shared_ptr<const FilterBank> GetFilterBank(int from_hz, int to_hz);

class Resampler {
 public:
  Resampler(int from_hz, int to_hz);
  int from_hz() const { return from_; }
  int to_hz() const { return to_; }
  // Upper bound of Process() output for n input samples: ceil(n * L / M).
  size_t MaxOutput(size_t n) const;
  // Exact number of samples Process() will write for n more input samples.
  size_t OutputCount(size_t n) const;
  // Consumes n samples and writes OutputCount(n) samples to out; returns that count.
  size_t Process(const int16_t* in, size_t n, int16_t* out);
  void Reset();
  const FilterBank* bank() const { return bank_.get(); }

 private:
  static constexpr size_t kBlock = 4096;
  int from_, to_;
  std::shared_ptr<const FilterBank> bank_;  // null when from == to (copy)
  std::vector<float> buf_;  // K-1 history samples followed by up to kBlock new ones
  size_t fill_ = 0;         // valid samples in buf_
  size_t pos_ = 0;          // buf_ index of the newest input sample the next output uses
  int phase_ = 0;
};

}  // namespace resample
}  // namespace vg
