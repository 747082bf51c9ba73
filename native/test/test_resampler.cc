// Resampler: frame-by-frame equals one-shot, levels and stopband per rate pair, and the measured
// passband ripple / stopband attenuation of every filter bank (printed for the documentation).
#include <cmath>
#include <complex>
#include <cstdio>
#include <string>
#include <vector>

#include "harness.h"
#include "levels.h"
#include "resampler.h"
#include "signals.h"

using namespace vg::resample;

namespace {

const int kRates[] = {8000, 16000, 22050, 24000, 44100, 48000};

std::vector<int16_t> Run(Resampler* r, const std::vector<int16_t>& in, size_t chunk) {
  std::vector<int16_t> out;
  std::vector<int16_t> buf;
  for (size_t i = 0; i < in.size(); i += chunk) {
    const size_t n = std::min(chunk, in.size() - i);
    buf.resize(r->MaxOutput(n));
    const size_t expect = r->OutputCount(n);
    const size_t got = r->Process(in.data() + i, n, buf.data());
    CHECK(got == expect && got <= buf.size());
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<long>(got));
  }
  return out;
}

double ToneDbov(const std::vector<int16_t>& x, size_t skip, int rate, double hz) {
  double level = 0;
  vg::levels::ToneLevelsDbov(x.data() + skip, x.size() - skip, rate, &hz, 1, &level);
  return level;
}

// |H(f)| of the bank as actually applied (per-phase-normalised coefficients as one prototype).
double Response(const FilterBank& fb, double f_over_fs_hi) {
  const int L = fb.up, K = fb.taps;
  std::complex<double> acc = 0;
  for (int p = 0; p < L; p++) {
    for (int j = 0; j < K; j++) {
      const double h = fb.coeffs[static_cast<size_t>(p) * K + (K - 1 - j)];
      const double i = p + static_cast<double>(j) * L;
      acc += h * std::polar(1.0, -2 * vgtest::kPi * f_over_fs_hi * i);
    }
  }
  return std::abs(acc) / L;
}

}  // namespace

TEST(resampler_frames_equal_one_shot_for_every_pair) {
  vgtest::Rng rng;
  for (int from : kRates) {
    for (int to : kRates) {
      auto sig = vgtest::Tones(from, 0.3, {440, 1900}, {9000, 7000});
      for (auto& v : sig) v = vgtest::Clip16(v + 2000 * rng.Gauss());
      Resampler whole(from, to), frames(from, to), odd(from, to);
      const auto a = Run(&whole, sig, sig.size());
      const auto b = Run(&frames, sig, static_cast<size_t>(from / 50));
      const auto c = Run(&odd, sig, 37);
      const std::string pair = std::to_string(from) + "->" + std::to_string(to);
      CHECK_MSG(a == b, pair + " 20 ms frames");
      CHECK_MSG(a == c, pair + " 37-sample chunks");
      CHECK_MSG(a.size() == sig.size() * static_cast<size_t>(to) / static_cast<size_t>(from), pair + " length");
    }
  }
}

TEST(resampler_keeps_1khz_level_and_removes_what_the_target_cannot_hold) {
  for (int from : kRates) {
    for (int to : kRates) {
      if (from == to) continue;
      const std::string pair = std::to_string(from) + "->" + std::to_string(to);
      Resampler r(from, to);
      const auto in = vgtest::Tones(from, 0.5, {1000}, {16000});
      const auto out = Run(&r, in, static_cast<size_t>(from / 50));
      const double gain = ToneDbov(out, static_cast<size_t>(to / 10), to, 1000) - ToneDbov(in, 0, from, 1000);
      CHECK_MSG(std::fabs(gain) < 0.5, pair + " 1 kHz gain " + std::to_string(gain));
      // A tone between the target's and the source's Nyquist must vanish (alias suppression).
      if (to < from) {
        const double nyq_out = to / 2.0, nyq_in = from / 2.0;
        for (double hz : {std::min(1.1 * nyq_out, (nyq_out + nyq_in) / 2), (nyq_out + 3 * nyq_in) / 4}) {
          Resampler r2(from, to);
          const auto hi = Run(&r2, vgtest::Tones(from, 0.5, {hz}, {29000}), static_cast<size_t>(from / 50));
          const double in_db = vg::levels::PowerToDbov(29000.0 * 29000.0 / 2);
          const double out_db = vg::levels::FrameEnergyDbov(hi.data() + to / 10, hi.size() - to / 10);
          CHECK_MSG(out_db - in_db <= -60, pair + " " + std::to_string(hz) + " Hz leaks at " +
                                               std::to_string(out_db - in_db) + " dB");
        }
      }
    }
  }
}

TEST(resampler_filter_design_figures) {
  printf("  pair          L/M       taps/phase  delay(ms)  ripple(dB)  stopband(dB)\n");
  for (int from : kRates) {
    for (int to : kRates) {
      if (from == to) continue;
      auto fb = GetFilterBank(from, to);
      const double fs_hi = static_cast<double>(from) * fb->up;
      const double nyq = std::min(from, to) / 2.0;
      double lo = 1e9, hi = -1e9, stop = 0;
      for (int i = 0; i <= 200; i++) {  // passband 0 .. 0.85 Nyquist
        const double db = 20 * std::log10(Response(*fb, kPassbandEdge * nyq * i / 200 / fs_hi));
        lo = std::min(lo, db);
        hi = std::max(hi, db);
      }
      // Stopband from the Nyquist frequency to 4x it (where the nearest images and aliases fall).
      for (int i = 0; i <= 600; i++) {
        const double f = nyq * (1.0 + 3.0 * i / 600);
        if (f >= fs_hi / 2) break;
        stop = std::max(stop, Response(*fb, f / fs_hi));
      }
      const double stop_db = 20 * std::log10(stop);
      printf("  %5d->%-5d  %4d/%-4d  %5d  %9.2f  %10.4f  %11.1f\n", from, to, fb->up, fb->down, fb->taps,
             fb->delay_in * 1000.0 / from, hi - lo, -stop_db);
      CHECK_MSG(hi - lo < 0.05, std::to_string(from) + "->" + std::to_string(to) + " ripple");
      CHECK_MSG(stop_db < -70, std::to_string(from) + "->" + std::to_string(to) + " stopband");
    }
  }
}

TEST(resampler_same_rate_is_a_copy) {
  Resampler r(16000, 16000);
  const auto in = vgtest::Tones(16000, 0.1, {700}, {5000});
  CHECK(Run(&r, in, 320) == in);
}
