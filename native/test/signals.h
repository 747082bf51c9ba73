// Deterministic test signals shared by the native tests.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

namespace vgtest {

constexpr double kPi = 3.14159265358979323846;

inline int16_t Clip16(double v) {
  if (v > 32767) return 32767;
  if (v < -32768) return -32768;
  return static_cast<int16_t>(std::lrint(v));
}

// Sum of sines; amplitudes in sample units.
inline std::vector<int16_t> Tones(int rate, double seconds, const std::vector<double>& hz,
                                  const std::vector<double>& amp) {
  std::vector<int16_t> out(static_cast<size_t>(rate * seconds));
  for (size_t i = 0; i < out.size(); i++) {
    double v = 0;
    for (size_t k = 0; k < hz.size(); k++) v += amp[k] * std::sin(2 * kPi * hz[k] * static_cast<double>(i) / rate);
    out[i] = Clip16(v);
  }
  return out;
}

// xorshift32, for reproducible noise.
struct Rng {
  uint32_t s = 2463534242u;
  uint32_t Next() {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
  double Uniform() { return (Next() >> 8) * (1.0 / 16777216.0); }
  double Gauss() {  // Irwin-Hall approximation, unit variance
    double t = 0;
    for (int i = 0; i < 12; i++) t += Uniform();
    return t - 6.0;
  }
};

// The G.722 exactness signal at 16 kHz, 4 s: loud two-tone (one tone in the upper sub-band),
// a chirp 50 Hz - 7.5 kHz, Gaussian noise at about -20 dBov, then silence.
inline std::vector<int16_t> G722Signal() {
  const int rate = 16000;
  std::vector<int16_t> s;
  for (int i = 0; i < rate; i++) {
    const double t = static_cast<double>(i) / rate;
    s.push_back(Clip16(14000 * std::sin(2 * kPi * 440 * t) + 9000 * std::sin(2 * kPi * 5200 * t)));
  }
  for (int i = 0; i < rate; i++) {
    const double t = static_cast<double>(i) / rate;
    s.push_back(Clip16(20000 * std::sin(2 * kPi * (50 * t + 0.5 * 7450 * t * t))));
  }
  Rng rng;
  for (int i = 0; i < rate; i++) s.push_back(Clip16(3300 * rng.Gauss()));
  for (int i = 0; i < rate; i++) s.push_back(0);
  return s;
}

}  // namespace vgtest
