#include "resampler.h"

#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

namespace vg {
namespace resample {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kRates[] = {8000, 16000, 22050, 24000, 44100, 48000};

int Gcd(int a, int b) {
  while (b != 0) {
    int t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// Zeroth-order modified Bessel function of the first kind, by its power series.
double BesselI0(double x) {
  double sum = 1.0, term = 1.0, q = x * x / 4.0;
  for (int k = 1; k < 200; k++) {
    term *= q / (static_cast<double>(k) * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

std::shared_ptr<const FilterBank> Design(int from, int to) {
  auto fb = std::make_shared<FilterBank>();
  const int g = Gcd(from, to);
  const int L = to / g, M = from / g;
  const double nyq = std::min(from, to) / 2.0;
  const double fp = kPassbandEdge * nyq, fstop = kStopbandEdge * nyq;
  const double fs_hi = static_cast<double>(from) * L;  // rate of the (virtual) upsampled signal
  // Kaiser's estimates for window shape and length.
  const double a = kAttenuationDb;
  const double beta = a > 50 ? 0.1102 * (a - 8.7) : 0.5842 * std::pow(a - 21, 0.4) + 0.07886 * (a - 21);
  const double dw = 2.0 * kPi * (fstop - fp) / fs_hi;
  const int n_est = static_cast<int>(std::ceil((a - 7.95) / (2.285 * dw))) + 1;
  const int K = (n_est + L - 1) / L;
  const int N = K * L;
  const double fc = (fp + fstop) / 2.0 / fs_hi;  // cut-off, cycles per high-rate sample
  const double centre = (N - 1) / 2.0;
  const double i0b = BesselI0(beta);

  fb->from_hz = from;
  fb->to_hz = to;
  fb->up = L;
  fb->down = M;
  fb->taps = K;
  fb->prototype.resize(N);
  for (int i = 0; i < N; i++) {
    const double t = i - centre;
    const double sinc = t == 0 ? 2 * fc : std::sin(2 * kPi * fc * t) / (kPi * t);
    const double r = 2.0 * t / (N - 1);
    const double win = BesselI0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / i0b;
    fb->prototype[i] = sinc * win * L;
  }
  // Each phase gets unit DC gain, so a constant input gives a constant output whatever the phase.
  fb->coeffs.resize(static_cast<size_t>(N));
  for (int p = 0; p < L; p++) {
    double sum = 0;
    for (int j = 0; j < K; j++) sum += fb->prototype[p + j * L];
    for (int j = 0; j < K; j++) {
      fb->coeffs[static_cast<size_t>(p) * K + (K - 1 - j)] = static_cast<float>(fb->prototype[p + j * L] / sum);
    }
  }
  fb->next_phase.resize(L);
  fb->advance.resize(L);
  for (int p = 0; p < L; p++) {
    fb->next_phase[p] = (p + M) % L;
    fb->advance[p] = (p + M) / L;
  }
  fb->delay_in = (N - 1) / 2.0 / L;
  return fb;
}

// Dot product with eight independent accumulators so the compiler can vectorise it.
inline float Dot(const float* x, const float* h, int k) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= k; i += 8) {
    for (int j = 0; j < 8; j++) acc[j] += x[i + j] * h[i + j];
  }
  float tail = 0;
  for (; i < k; i++) tail += x[i] * h[i];
  return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail;
}

inline int16_t ToInt16(float v) {
  if (v >= 32767.0f) return 32767;
  if (v <= -32768.0f) return -32768;
  return static_cast<int16_t>(std::lrintf(v));
}

}  // namespace

bool SupportedRate(int hz) {
  for (int r : kRates) {
    if (r == hz) return true;
  }
  return false;
}

std::shared_ptr<const FilterBank> GetFilterBank(int from_hz, int to_hz) {
  static std::mutex mu;
  static std::map<std::pair<int, int>, std::shared_ptr<const FilterBank>> cache;  // at most 30 pairs
  std::lock_guard<std::mutex> lock(mu);
  auto key = std::make_pair(from_hz, to_hz);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  auto fb = Design(from_hz, to_hz);
  cache.emplace(key, fb);
  return fb;
}

Resampler::Resampler(int from_hz, int to_hz) : from_(from_hz), to_(to_hz) {
  if (from_hz != to_hz) {
    bank_ = GetFilterBank(from_hz, to_hz);
    buf_.resize(static_cast<size_t>(bank_->taps) - 1 + kBlock);
  }
  Reset();
}

void Resampler::Reset() {
  if (!bank_) return;
  const size_t hist = static_cast<size_t>(bank_->taps) - 1;
  std::fill(buf_.begin(), buf_.end(), 0.0f);
  fill_ = hist;
  pos_ = hist;
  phase_ = 0;
}

size_t Resampler::MaxOutput(size_t n) const {
  if (!bank_) return n;
  const uint64_t L = static_cast<uint64_t>(bank_->up), M = static_cast<uint64_t>(bank_->down);
  return static_cast<size_t>((static_cast<uint64_t>(n) * L + M - 1) / M);
}

size_t Resampler::OutputCount(size_t n) const {
  if (!bank_) return n;
  // Outputs sit at high-rate times pos*L + phase + k*M; one is ready once its input index exists.
  const int64_t L = bank_->up, M = bank_->down;
  const int64_t start = static_cast<int64_t>(pos_) * L + phase_;
  const int64_t end = static_cast<int64_t>(fill_ + n) * L;
  if (end <= start) return 0;
  return static_cast<size_t>((end - start + M - 1) / M);
}

size_t Resampler::Process(const int16_t* in, size_t n, int16_t* out) {
  if (!bank_) {
    if (n > 0) memmove(out, in, n * sizeof(int16_t));
    return n;
  }
  const FilterBank& fb = *bank_;
  const int K = fb.taps;
  const size_t hist = static_cast<size_t>(K) - 1;
  const float* coeffs = fb.coeffs.data();
  float* buf = buf_.data();
  size_t produced = 0;
  while (n > 0) {
    const size_t take = std::min(n, buf_.size() - fill_);
    for (size_t i = 0; i < take; i++) buf[fill_ + i] = static_cast<float>(in[i]);
    fill_ += take;
    in += take;
    n -= take;
    while (pos_ < fill_) {
      out[produced++] = ToInt16(Dot(buf + pos_ - hist, coeffs + static_cast<size_t>(phase_) * K, K));
      pos_ += static_cast<size_t>(fb.advance[phase_]);
      phase_ = fb.next_phase[phase_];
    }
    const size_t drop = fill_ - hist;
    memmove(buf, buf + drop, hist * sizeof(float));
    fill_ = hist;
    pos_ -= drop;
  }
  return produced;
}

}  // namespace resample
}  // namespace vg
