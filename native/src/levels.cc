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
  for (size_t f = 0; f < nf; f++) {
    const double w = 2.0 * kPi * freqs[f] / sample_rate;
    const double c = 2.0 * std::cos(w);
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
      const double s0 = x[i] + c * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    // |X(w)|^2 from the last two states; a sine of amplitude A gives |X| = A*n/2.
    const double mag2 = s1 * s1 + s2 * s2 - c * s1 * s2;
    const double amp = 2.0 * std::sqrt(std::max(0.0, mag2)) / static_cast<double>(n);
    out[f] = PowerToDbov(amp * amp / 2.0);
  }
}

double SineAmplitudeForDbm0(double dbm0) {
  // +3.14 dBm0 is the sine that just reaches full scale.
  return kFullScale * std::pow(10.0, (dbm0 - 3.14) / 20.0);
}

}  // namespace levels
}  // namespace vg
