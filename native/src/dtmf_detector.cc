#include "dtmf_detector.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dtmf.h"
#include "levels.h"

namespace vg {
namespace dtmf {

namespace {

constexpr double kPi = 3.14159265358979323846;

double Hz(int i) { return i < 4 ? kRowHz[i] : kColHz[i - 4]; }

// Magnitude response of a Hann window `b` bins away from its centre, relative to the centre.
double HannResponse(double b) {
  const double ab = std::fabs(b);
  if (ab < 1e-9) return 1.0;
  if (std::fabs(ab - 1.0) < 1e-6) return 0.5;
  return std::fabs(std::sin(kPi * b) / (kPi * b) / (1.0 - b * b));
}

double WrapPi(double a) {
  while (a > kPi) a -= 2 * kPi;
  while (a <= -kPi) a += 2 * kPi;
  return a;
}

}  // namespace

Detector::Detector(int sample_rate, const DetectorLimits& limits) : rate_(sample_rate), lim_(limits) {
  win_ = static_cast<size_t>(sample_rate) / 50;   // 20 ms
  lag_ = static_cast<size_t>(sample_rate) / 200;  // 5 ms
  hop_ = static_cast<size_t>(sample_rate) / 100;  // 10 ms
  window_.resize(win_);
  cos_tab_.resize(8 * win_);
  sin_tab_.resize(8 * win_);
  for (size_t n = 0; n < win_; n++) {
    const double w = 0.5 - 0.5 * std::cos(2 * kPi * (n + 0.5) / static_cast<double>(win_));
    window_[n] = static_cast<float>(w);
    win_sum_ += w;
    win_sq_sum_ += w * w;
    for (int f = 0; f < 8; f++) {
      const double ph = 2 * kPi * Hz(f) * static_cast<double>(n) / sample_rate;
      cos_tab_[n * 8 + f] = static_cast<float>(w * std::cos(ph));
      sin_tab_[n * 8 + f] = static_cast<float>(w * std::sin(ph));
    }
  }
  buf_.resize(win_ + lag_ + hop_);
  Reset();
}

void Detector::Reset() {
  std::fill(buf_.begin(), buf_.end(), 0.0f);
  since_hop_ = 0;
  seen_ = win_ + lag_;  // the buffer starts as silence
  state_ = State::kIdle;
  key_ = 0;
  run_ = 0;
  prev_row_dev_ = prev_col_dev_ = 0;
  last_ = Window{};
}

char Detector::Analyse() {
  const float* x1 = buf_.data() + (seen_ - win_ - lag_);
  const float* x2 = x1 + lag_;
  // The eight DFTs of both windows at once, four frequencies per vector (GCC/Clang vector
  // extensions; plain scalar code on compilers without SIMD). The basis is laid out [n][f].
  typedef float V4 __attribute__((vector_size(16)));
  V4 a0 = {0, 0, 0, 0}, a1 = a0, b0 = a0, b1 = a0, d0 = a0, d1 = a0, e0 = a0, e1 = a0, sq4 = a0;
  const float* c = cos_tab_.data();
  const float* s = sin_tab_.data();
  const float* hann = window_.data();
  for (size_t n = 0; n < win_; n++) {
    const V4 u = {x1[n], x1[n], x1[n], x1[n]};
    const V4 v = {x2[n], x2[n], x2[n], x2[n]};
    V4 c0, c1, s0, s1;
    memcpy(&c0, c + n * 8, sizeof(V4));
    memcpy(&c1, c + n * 8 + 4, sizeof(V4));
    memcpy(&s0, s + n * 8, sizeof(V4));
    memcpy(&s1, s + n * 8 + 4, sizeof(V4));
    a0 += u * c0, a1 += u * c1, b0 += u * s0, b1 += u * s1;
    d0 += v * c0, d1 += v * c1, e0 += v * s0, e1 += v * s1;
  }
  // Windowed power of the newer window, four partial sums.
  size_t n = 0;
  for (; n + 4 <= win_; n += 4) {
    V4 xv, wv;
    memcpy(&xv, x2 + n, sizeof(V4));
    memcpy(&wv, hann + n, sizeof(V4));
    const V4 t = xv * wv;
    sq4 += t * t;
  }
  double sq = static_cast<double>(sq4[0]) + sq4[1] + sq4[2] + sq4[3];
  for (; n < win_; n++) sq += static_cast<double>(hann[n] * x2[n]) * (hann[n] * x2[n]);
  double re1[8], im1[8], re2[8], im2[8];
  for (int f = 0; f < 4; f++) {
    re1[f] = a0[f], re1[f + 4] = a1[f], im1[f] = -b0[f], im1[f + 4] = -b1[f];
    re2[f] = d0[f], re2[f + 4] = d1[f], im2[f] = -e0[f], im2[f + 4] = -e1[f];
  }
  const double p_total = sq / win_sq_sum_;

  double p[8];
  for (int f = 0; f < 8; f++) p[f] = 2.0 * (re2[f] * re2[f] + im2[f] * im2[f]) / (win_sum_ * win_sum_);
  int row = 0, col = 4;
  for (int f = 1; f < 4; f++) row = p[f] > p[row] ? f : row;
  for (int f = 5; f < 8; f++) col = p[f] > p[col] ? f : col;

  // Actual frequency of a tone from the phase advance of its DFT over lag_ samples.
  auto deviation = [&](int f) {
    const double w = 2 * kPi * Hz(f) / rate_;
    const double cr = re2[f] * re1[f] + im2[f] * im1[f];
    const double ci = im2[f] * re1[f] - re2[f] * im1[f];
    const double dw = WrapPi(std::atan2(ci, cr) - w * static_cast<double>(lag_)) / static_cast<double>(lag_);
    return dw / w;
  };
  const double row_dev = deviation(row), col_dev = deviation(col);
  // Level of each tone corrected for the window's response at its measured offset.
  auto corrected = [&](int f, double dev) {
    const double bins = dev * Hz(f) * static_cast<double>(win_) / rate_;
    const double r = HannResponse(bins);
    return p[f] / (r * r);
  };
  const double p_row = corrected(row, row_dev), p_col = corrected(col, col_dev);

  Window w{};
  w.row = row;
  w.col = col - 4;
  w.row_dev = row_dev;
  w.col_dev = col_dev;
  w.row_dbov = levels::PowerToDbov(p_row);
  w.col_dbov = levels::PowerToDbov(p_col);
  w.total_dbov = levels::PowerToDbov(p_total);
  const double twist = w.col_dbov - w.row_dbov;
  const bool ok = std::fabs(row_dev) <= lim_.max_freq_dev && std::fabs(col_dev) <= lim_.max_freq_dev &&
                  w.row_dbov >= lim_.min_tone_dbov && w.col_dbov >= lim_.min_tone_dbov &&
                  twist <= lim_.max_normal_twist_db && -twist <= lim_.max_reverse_twist_db &&
                  p_row + p_col >= lim_.min_tone_share * p_total;
  w.key = ok ? kKeys[row][col - 4] : 0;
  last_ = w;
  return w.key;
}

char Detector::Step(const Window& w) {
  // Real tones hold their frequencies; speech harmonics that wander into the tolerance glide.
  const bool steady = std::fabs(w.row_dev - prev_row_dev_) <= lim_.max_dev_step &&
                      std::fabs(w.col_dev - prev_col_dev_) <= lim_.max_dev_step;
  prev_row_dev_ = w.row_dev;
  prev_col_dev_ = w.col_dev;
  char report = 0;
  switch (state_) {
    case State::kIdle:
    case State::kCandidate:
      if (w.key == 0) {
        state_ = State::kIdle;
        key_ = 0;
        run_ = 0;
      } else if (state_ == State::kCandidate && w.key == key_ && steady) {
        run_++;
      } else {
        state_ = State::kCandidate;
        key_ = w.key;
        run_ = 1;
      }
      if (state_ == State::kCandidate && run_ >= kOnWindows) {
        state_ = State::kKey;
        run_ = 0;
        report = key_;
      }
      break;
    case State::kKey:
      if (w.key == key_) {
        run_ = 0;
      } else if (++run_ >= kOffWindows) {
        state_ = State::kIdle;
        key_ = 0;
        run_ = 0;
      }
      break;
  }
  return report;
}

size_t Detector::Process(const int16_t* x, size_t n, char* keys, size_t max_keys) {
  size_t found = 0;
  while (n > 0) {
    const size_t take = std::min(n, hop_ - since_hop_);
    float* dst = buf_.data() + seen_;
    for (size_t i = 0; i < take; i++) dst[i] = static_cast<float>(x[i]);
    seen_ += take;
    since_hop_ += take;
    x += take;
    n -= take;
    if (since_hop_ < hop_) break;
    Analyse();
    const char report = Step(last_);
    if (report != 0 && found < max_keys) keys[found++] = report;
    // Keep the last win_ + lag_ samples for the next analysis.
    const size_t keep = win_ + lag_;
    memmove(buf_.data(), buf_.data() + seen_ - keep, keep * sizeof(float));
    seen_ = keep;
    since_hop_ = 0;
  }
  return found;
}

}  // namespace dtmf
}  // namespace vg
