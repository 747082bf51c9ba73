// Signal levels. dBov is relative to the overload point of 16-bit PCM: a full-scale square wave is
// 0 dBov and a full-scale sine -3.01 dBov (ITU-T G.100.1). For G.711 the theoretical load capacity
// is +3.14 dBm0 (A-law, G.711 §4), so a sine of L dBm0 has level L - 3.14 - 3.01 dBov.
#pragma once
#include <cstddef>
#include <cstdint>

namespace vg {
namespace levels {

constexpr double kFloorDbov = -127.0;      // reported for digital silence (RFC 6464's lowest level)
constexpr double kDbm0ToDbov = -6.15;      // add to a dBm0 level to get dBov
constexpr double kFullScale = 32768.0;

// Mean power of the frame in dBov, never below kFloorDbov. n must be > 0.
double FrameEnergyDbov(const int16_t* x, size_t n);

// Level in dBov of each frequency over the whole frame (Goertzel, rectangular window): the level a
// pure sine of that frequency and amplitude would have. `out[i]` receives freqs[i]'s level.
void ToneLevelsDbov(const int16_t* x, size_t n, double sample_rate, const double* freqs, size_t nf,
                    double* out);

// Converts a mean power (in squared sample units) to dBov with the floor applied.
double PowerToDbov(double mean_square);

// Amplitude of a sine wave at `dbm0` (G.711 A-law reference).
double SineAmplitudeForDbm0(double dbm0);

}  // namespace levels
}  // namespace vg
