// Levels (dBov conventions, Goertzel tone levels) and the VAD state machine.
#include <cmath>
#include <string>
#include <vector>

#include "harness.h"
#include "levels.h"
#include "signals.h"
#include "vad.h"

using namespace vg;

TEST(levels_full_scale_sine_is_minus_3_dbov) {
  const auto s = vgtest::Tones(8000, 1, {1000}, {32767});
  CHECK(std::fabs(levels::FrameEnergyDbov(s.data(), s.size()) - (-3.01)) < 0.01);
  std::vector<int16_t> square(160);
  for (size_t i = 0; i < square.size(); i++) square[i] = (i / 4) % 2 ? -32768 : 32767;
  CHECK(std::fabs(levels::FrameEnergyDbov(square.data(), square.size())) < 0.01);
  std::vector<int16_t> zero(160, 0);
  CHECK(levels::FrameEnergyDbov(zero.data(), zero.size()) == levels::kFloorDbov);
}

TEST(levels_tone_levels_measure_each_frequency) {
  const auto s = vgtest::Tones(8000, 0.02, {450, 1000}, {10000, 1000});
  const double hz[3] = {450, 1000, 2000};
  double out[3];
  levels::ToneLevelsDbov(s.data(), s.size(), 8000, hz, 3, out);
  const double want450 = 20 * std::log10(10000 / 32768.0 / std::sqrt(2.0));
  const double want1000 = 20 * std::log10(1000 / 32768.0 / std::sqrt(2.0));
  CHECK_MSG(std::fabs(out[0] - want450) < 0.1, std::to_string(out[0]));
  CHECK_MSG(std::fabs(out[1] - want1000) < 0.3, std::to_string(out[1]));
  CHECK_MSG(out[2] < want1000 - 20, std::to_string(out[2]));
}

TEST(vad_transition_table) {
  using vad::Next;
  using vad::State;
  // Next(state, speech, run, frame, onset, hangover)
  CHECK(Next(State::kSilence, false, 0, 160, 320, 3200) == State::kSilence);
  CHECK(Next(State::kSilence, true, 0, 160, 320, 3200) == State::kOnset);
  CHECK(Next(State::kSilence, true, 0, 160, 160, 3200) == State::kSpeech);
  CHECK(Next(State::kOnset, false, 160, 160, 320, 3200) == State::kSilence);
  CHECK(Next(State::kOnset, true, 0, 160, 320, 3200) == State::kOnset);
  CHECK(Next(State::kOnset, true, 160, 160, 320, 3200) == State::kSpeech);
  CHECK(Next(State::kSpeech, true, 160, 160, 320, 3200) == State::kSpeech);
  CHECK(Next(State::kSpeech, false, 160, 160, 320, 3200) == State::kHangover);
  CHECK(Next(State::kSpeech, false, 160, 160, 320, 0) == State::kSilence);
  CHECK(Next(State::kHangover, true, 160, 160, 320, 3200) == State::kSpeech);
  CHECK(Next(State::kHangover, false, 160, 160, 320, 3200) == State::kHangover);
  CHECK(Next(State::kHangover, false, 3040, 160, 320, 3200) == State::kSilence);
}

TEST(vad_follows_speech_bursts_with_hangover) {
  vad::Options o;  // 8 kHz, -45 dBov, 10 dB margin, 40 ms onset, 400 ms hangover
  vad::Vad v(o);
  const auto loud = vgtest::Tones(8000, 0.02, {300}, {8000});
  std::vector<int16_t> quiet(160);
  vgtest::Rng rng;
  for (auto& q : quiet) q = vgtest::Clip16(30 * rng.Gauss());
  CHECK(v.Process(quiet.data(), 160) == vad::State::kSilence);
  CHECK(v.noise_floor_dbov() == v.last_energy_dbov());
  CHECK(v.Process(loud.data(), 160) == vad::State::kOnset);
  CHECK(v.Process(loud.data(), 160) == vad::State::kSpeech);
  CHECK(v.Process(quiet.data(), 160) == vad::State::kHangover);
  for (int i = 0; i < 18; i++) CHECK(v.Process(quiet.data(), 160) == vad::State::kHangover);
  CHECK(v.Process(quiet.data(), 160) == vad::State::kSilence);  // 20 quiet frames = 400 ms
  CHECK(v.last_energy_dbov() < -60);
}
