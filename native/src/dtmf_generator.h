// DTMF tone generation (ITU-T Q.23 pairs) into 8 or 16 kHz frames: each queued key becomes a tone
// of `tone_ms` followed by `gap_ms` of silence; the high-group tone is `high_dbm0`, the low-group
// tone `low_dbm0`.
#pragma once
#include <cstddef>
#include <cstdint>

namespace vg {
namespace dtmf {

struct GeneratorOptions {
  int sample_rate = 8000;
  int tone_ms = 100;
  int gap_ms = 100;
  double low_dbm0 = -10.0;
  double high_dbm0 = -8.0;
};

class Generator {
 public:
  static constexpr size_t kMaxQueue = 256;

  explicit Generator(const GeneratorOptions& opt);
  // Appends keys; returns false (queuing nothing) if a key is invalid or the queue would overflow.
  bool Queue(const char* keys, size_t n);
  // Fills all n samples (silence once idle); returns how many belonged to a tone or gap.
  size_t Generate(int16_t* out, size_t n);
  // Keys not yet finished, counting the one playing.
  size_t Pending() const { return count_ + (active_ ? 1 : 0); }
  void Reset();

 private:
  void StartNext();

  GeneratorOptions opt_;
  double low_amp_, high_amp_;
  size_t tone_len_, gap_len_;
  char queue_[kMaxQueue];
  size_t head_ = 0, count_ = 0;
  bool active_ = false;
  size_t pos_ = 0;  // sample index within the current key's tone + gap
  // Oscillators as rotating phasors (cos, sin) advanced by complex multiplication.
  double lo_c_ = 1, lo_s_ = 0, lo_rc_ = 1, lo_rs_ = 0;
  double hi_c_ = 1, hi_s_ = 0, hi_rc_ = 1, hi_rs_ = 0;
};

}  // namespace dtmf
}  // namespace vg
