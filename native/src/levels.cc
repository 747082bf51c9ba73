#include "levels.h"

#include <algorithm>
#include <cmath>

namespace vg {
namespace levels {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

double PowerToDbov(double mean_square) {
  if (!(mean_square > 0)) return kFloorDbov;
  const double db = 10.0 * std::log10(mean_square / (kFullScale * kFullScale));
  return db < kFloorDbov ? kFloorDbov : db;
}

double FrameEnergyDbov(const int16_t* x, size_t n) {
  // Exact integer sum: each square is < 2^30, so 2^33 samples fit in 63 bits.
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) {
    const int32_t v = x[i];
    sum += static_cast<uint64_t>(v * v);
  }
  return PowerToDbov(static_cast<double>(sum) / static_cast<double>(n));
}

void ToneLevelsDbov(const int16_t* x, size_t n, double sample_rate, const double* freqs, size_t nf,
                    double* out) {
  // Goertzel recursions of up to four frequencies run side by side: each is a serial chain, so
  // interleaving them hides the latency of one step behind the others.
  constexpr size_t kLanes = 4;
  for (size_t f0 = 0; f0 < nf; f0 += kLanes) {
    const size_t lanes = std::min(kLanes, nf - f0);
    double c[kLanes] = {0, 0, 0, 0}, s1[kLanes] = {0, 0, 0, 0}, s2[kLanes] = {0, 0, 0, 0};
    for (size_t k = 0; k < lanes; k++) c[k] = 2.0 * std::cos(2.0 * kPi * freqs[f0 + k] / sample_rate);
    for (size_t i = 0; i < n; i++) {
      const double v = x[i];
      for (size_t k = 0; k < kLanes; k++) {
        const double s0 = v + c[k] * s1[k] - s2[k];
        s2[k] = s1[k];
        s1[k] = s0;
      }
    }
    for (size_t k = 0; k < lanes; k++) {
      // |X(w)|^2 from the last two states; a sine of amplitude A gives |X| = A*n/2.
      const double mag2 = s1[k] * s1[k] + s2[k] * s2[k] - c[k] * s1[k] * s2[k];
      const double amp = 2.0 * std::sqrt(std::max(0.0, mag2)) / static_cast<double>(n);
      out[f0 + k] = PowerToDbov(amp * amp / 2.0);
    }
  }
}

double SineAmplitudeForDbm0(double dbm0) {
  // +3.14 dBm0 is the sine that just reaches full scale.
  return kFullScale * std::pow(10.0, (dbm0 - 3.14) / 20.0);
}

}  // namespace levels
}  // namespace vg
