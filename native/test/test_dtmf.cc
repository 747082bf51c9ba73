// DTMF: generator -> detector for every key; sox-made tones; frequency tolerance; twist; timing;
// no keys from single tones, silence or noise.
#include <cmath>
#include <string>
#include <vector>

#include "dtmf.h"
#include "dtmf_detector.h"
#include "dtmf_generator.h"
#include "harness.h"
#include "levels.h"
#include "signals.h"

using namespace vg::dtmf;

namespace {

const char kAllKeys[] = "0123456789*#ABCD";

std::string Detect(int rate, const std::vector<int16_t>& x, size_t chunk) {
  Detector d(rate, DetectorLimits{});
  std::string keys;
  char buf[64];
  for (size_t i = 0; i < x.size(); i += chunk) {
    const size_t n = std::min(chunk, x.size() - i);
    const size_t k = d.Process(x.data() + i, n, buf, sizeof(buf));
    keys.append(buf, k);
  }
  return keys;
}

// A key's two tones at given levels (dBm0), frequency factors and duration, then a gap.
void AppendKey(std::vector<int16_t>* out, int rate, char key, double ms, double gap_ms, double low_dbm0 = -10,
               double high_dbm0 = -8, double low_factor = 1, double high_factor = 1) {
  int r = 0, c = 0;
  KeyPosition(key, &r, &c);
  const auto t = vgtest::Tones(rate, ms / 1000, {kRowHz[r] * low_factor, kColHz[c] * high_factor},
                               {vg::levels::SineAmplitudeForDbm0(low_dbm0), vg::levels::SineAmplitudeForDbm0(high_dbm0)});
  out->insert(out->end(), t.begin(), t.end());
  out->insert(out->end(), static_cast<size_t>(rate * gap_ms / 1000), 0);
}

}  // namespace

TEST(dtmf_generated_keys_are_detected_once_each) {
  for (int rate : {8000, 16000}) {
    GeneratorOptions o;
    o.sample_rate = rate;
    Generator g(o);
    CHECK(g.Queue(kAllKeys, 16));
    CHECK(!g.Queue("x", 1));
    std::vector<int16_t> all;
    std::vector<int16_t> frame(static_cast<size_t>(rate / 50));
    while (g.Pending() > 0) {
      g.Generate(frame.data(), frame.size());
      all.insert(all.end(), frame.begin(), frame.end());
    }
    CHECK(all.size() == static_cast<size_t>(rate) * 16 / 5);  // 16 x (100 ms + 100 ms)
    CHECK_MSG(Detect(rate, all, static_cast<size_t>(rate / 50)) == kAllKeys, "rate " + std::to_string(rate));
    CHECK_MSG(Detect(rate, all, 7) == kAllKeys, "7-sample chunks");
  }
}

TEST(dtmf_generator_levels_are_as_configured) {
  GeneratorOptions o;
  Generator g(o);
  g.Queue("5", 1);
  std::vector<int16_t> tone(800);
  CHECK(g.Generate(tone.data(), tone.size()) == 800);
  double lv[2];
  const double hz[2] = {770, 1336};
  vg::levels::ToneLevelsDbov(tone.data(), tone.size(), 8000, hz, 2, lv);
  CHECK_MSG(std::fabs(lv[0] - (-10 + vg::levels::kDbm0ToDbov)) < 0.05, std::to_string(lv[0]));
  CHECK_MSG(std::fabs(lv[1] - (-8 + vg::levels::kDbm0ToDbov)) < 0.05, std::to_string(lv[1]));
}

TEST(dtmf_sox_tones_are_detected) {
  for (int rate : {8000, 16000}) {
    const auto b = vgtest::ReadFile(vgtest::VectorDir() + "/sox-dtmf-" + std::to_string(rate) + ".s16");
    std::vector<int16_t> x(b.size() / 2);
    for (size_t i = 0; i < x.size(); i++) x[i] = static_cast<int16_t>(b[2 * i] | (b[2 * i + 1] << 8));
    CHECK_MSG(!x.empty() && Detect(rate, x, static_cast<size_t>(rate / 50)) == kAllKeys, "rate " + std::to_string(rate));
  }
}

TEST(dtmf_frequency_tolerance) {
  for (int rate : {8000, 16000}) {
    for (double f : {0.985, 1.015}) {
      std::vector<int16_t> x;
      for (const char* k = kAllKeys; *k; k++) AppendKey(&x, rate, *k, 60, 60, -10, -8, f, f);
      CHECK_MSG(Detect(rate, x, 160) == kAllKeys, "accept " + std::to_string(f));
    }
    for (double f : {0.965, 1.035}) {
      std::vector<int16_t> x;
      for (const char* k = kAllKeys; *k; k++) {
        AppendKey(&x, rate, *k, 100, 60, -10, -8, f, 1);  // low tone off
        AppendKey(&x, rate, *k, 100, 60, -10, -8, 1, f);  // high tone off
      }
      CHECK_MSG(Detect(rate, x, 160).empty(), "reject " + std::to_string(f));
    }
  }
}

TEST(dtmf_twist_limits) {
  std::vector<int16_t> ok, bad;
  AppendKey(&ok, 8000, '1', 80, 60, -16, -8);   // normal twist 8 dB
  AppendKey(&ok, 8000, '2', 80, 60, -8, -12);   // reverse twist 4 dB
  AppendKey(&bad, 8000, '3', 80, 60, -20, -8);  // normal twist 12 dB
  AppendKey(&bad, 8000, '4', 80, 60, -8, -14);  // reverse twist 6 dB
  CHECK(Detect(8000, ok, 160) == "12");
  CHECK(Detect(8000, bad, 160).empty());
}

TEST(dtmf_timing_40ms_tones_and_gaps) {
  for (int rate : {8000, 16000}) {
    std::vector<int16_t> x;
    for (const char* k = "1155#"; *k; k++) AppendKey(&x, rate, *k, 40, 40);
    CHECK_MSG(Detect(rate, x, 160) == "1155#", "40/40 at " + std::to_string(rate));
    std::vector<int16_t> shortt;
    for (const char* k = "123"; *k; k++) AppendKey(&shortt, rate, *k, 20, 60);
    CHECK_MSG(Detect(rate, shortt, 160).empty(), "20 ms tones");
    // A long press, with a 10 ms drop-out in the middle, is still one key.
    std::vector<int16_t> longp;
    AppendKey(&longp, rate, '9', 600, 10);
    AppendKey(&longp, rate, '9', 600, 50);
    CHECK_MSG(Detect(rate, longp, 160) == "9", "long press");
  }
}

TEST(dtmf_no_keys_from_single_tones_silence_or_noise) {
  std::vector<int16_t> x(8000, 0);
  for (double hz : {697.0, 941.0, 1209.0, 1633.0, 1000.0}) {
    const auto t = vgtest::Tones(8000, 0.5, {hz}, {12000});
    x.insert(x.end(), t.begin(), t.end());
  }
  vgtest::Rng rng;
  for (int i = 0; i < 16000; i++) x.push_back(vgtest::Clip16(6000 * rng.Gauss()));
  CHECK(Detect(8000, x, 160).empty());
}

TEST(dtmf_detects_under_noise) {
  std::vector<int16_t> x;
  for (const char* k = kAllKeys; *k; k++) AppendKey(&x, 8000, *k, 60, 60);
  vgtest::Rng rng;
  for (auto& v : x) v = vgtest::Clip16(v + 450 * rng.Gauss());  // about 20 dB below each tone
  CHECK(Detect(8000, x, 160) == kAllKeys);
}

TEST(dtmf_state_machine_edges) {
  Detector d(8000, DetectorLimits{});
  using S = Detector::State;
  auto win = [](char key, double dev = 0) {
    Detector::Window w{};
    w.key = key;
    w.row_dev = dev;
    w.col_dev = dev;
    return w;
  };
  CHECK(d.Step(win(0)) == 0 && d.state() == S::kIdle);                 // idle -> idle
  CHECK(d.Step(win('5')) == 0 && d.state() == S::kCandidate);          // idle -> candidate
  CHECK(d.Step(win(0)) == 0 && d.state() == S::kIdle);                 // candidate -> idle
  CHECK(d.Step(win('5')) == 0 && d.state() == S::kCandidate);
  CHECK(d.Step(win('6')) == 0 && d.state() == S::kCandidate);          // candidate -> other candidate
  CHECK(d.Step(win('6', 0.01)) == 0 && d.state() == S::kCandidate);    // unsteady: run restarts
  CHECK(d.Step(win('6', 0.01)) == '6' && d.state() == S::kKey);        // candidate -> key, reported
  CHECK(d.Step(win('6', 0.01)) == 0 && d.state() == S::kKey);          // key -> key
  for (int i = 0; i < Detector::kOffWindows - 1; i++) CHECK(d.Step(win(0)) == 0 && d.state() == S::kKey);
  CHECK(d.Step(win('6')) == 0 && d.state() == S::kKey);                // misses reset by the key
  for (int i = 0; i < Detector::kOffWindows - 1; i++) CHECK(d.Step(win('7')) == 0 && d.state() == S::kKey);
  CHECK(d.Step(win(0)) == 0 && d.state() == S::kIdle);                 // key -> idle after the misses
}
