#include "dtmf_generator.h"

#include <algorithm>
#include <cmath>

#include "dtmf.h"
#include "levels.h"

namespace vg {
namespace dtmf {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

Generator::Generator(const GeneratorOptions& opt) : opt_(opt) {
  low_amp_ = levels::SineAmplitudeForDbm0(opt.low_dbm0);
  high_amp_ = levels::SineAmplitudeForDbm0(opt.high_dbm0);
  tone_len_ = static_cast<size_t>(opt.sample_rate) * static_cast<size_t>(opt.tone_ms) / 1000;
  gap_len_ = static_cast<size_t>(opt.sample_rate) * static_cast<size_t>(opt.gap_ms) / 1000;
}

bool Generator::Queue(const char* keys, size_t n) {
  if (n > kMaxQueue - count_) return false;
  int r, c;
  for (size_t i = 0; i < n; i++) {
    if (!KeyPosition(keys[i], &r, &c)) return false;
  }
  for (size_t i = 0; i < n; i++) queue_[(head_ + count_ + i) % kMaxQueue] = keys[i];
  count_ += n;
  return true;
}

void Generator::StartNext() {
  const char key = queue_[head_];
  head_ = (head_ + 1) % kMaxQueue;
  count_--;
  int r = 0, c = 0;
  KeyPosition(key, &r, &c);
  const double wl = 2 * kPi * kRowHz[r] / opt_.sample_rate;
  const double wh = 2 * kPi * kColHz[c] / opt_.sample_rate;
  // Both tones start at zero phase (sine), so the burst begins without a step.
  lo_c_ = 1, lo_s_ = 0, lo_rc_ = std::cos(wl), lo_rs_ = std::sin(wl);
  hi_c_ = 1, hi_s_ = 0, hi_rc_ = std::cos(wh), hi_rs_ = std::sin(wh);
  active_ = true;
  pos_ = 0;
}

size_t Generator::Generate(int16_t* out, size_t n) {
  size_t busy = 0;
  size_t i = 0;
  while (i < n) {
    if (!active_) {
      if (count_ == 0) break;
      StartNext();
    }
    if (pos_ < tone_len_) {
      const size_t m = std::min(n - i, tone_len_ - pos_);
      for (size_t k = 0; k < m; k++) {
        const double v = low_amp_ * lo_s_ + high_amp_ * hi_s_;
        out[i + k] = static_cast<int16_t>(std::lrint(v));
        const double lc = lo_c_ * lo_rc_ - lo_s_ * lo_rs_;
        lo_s_ = lo_s_ * lo_rc_ + lo_c_ * lo_rs_;
        lo_c_ = lc;
        const double hc = hi_c_ * hi_rc_ - hi_s_ * hi_rs_;
        hi_s_ = hi_s_ * hi_rc_ + hi_c_ * hi_rs_;
        hi_c_ = hc;
      }
      i += m;
      pos_ += m;
      busy += m;
    } else {
      const size_t m = std::min(n - i, tone_len_ + gap_len_ - pos_);
      for (size_t k = 0; k < m; k++) out[i + k] = 0;
      i += m;
      pos_ += m;
      busy += m;
    }
    if (pos_ >= tone_len_ + gap_len_) active_ = false;
  }
  for (; i < n; i++) out[i] = 0;
  return busy;
}

void Generator::Reset() {
  head_ = 0;
  count_ = 0;
  active_ = false;
  pos_ = 0;
}

}  // namespace dtmf
}  // namespace vg
