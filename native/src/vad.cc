#include "vad.h"

#include "levels.h"

namespace vg {
namespace vad {

State Next(State s, bool speech, size_t run, size_t frame, size_t onset, size_t hangover) {
  switch (s) {
    case State::kSilence:
      if (!speech) return State::kSilence;
      return frame >= onset ? State::kSpeech : State::kOnset;
    case State::kOnset:
      if (!speech) return State::kSilence;
      return run + frame >= onset ? State::kSpeech : State::kOnset;
    case State::kSpeech:
      if (speech) return State::kSpeech;
      return frame >= hangover ? State::kSilence : State::kHangover;
    case State::kHangover:
      if (speech) return State::kSpeech;
      return run + frame >= hangover ? State::kSilence : State::kHangover;
  }
  return State::kSilence;
}

Vad::Vad(const Options& opt) : opt_(opt) {
  onset_samples_ = static_cast<size_t>(opt.sample_rate) * static_cast<size_t>(opt.onset_ms) / 1000;
  hangover_samples_ = static_cast<size_t>(opt.sample_rate) * static_cast<size_t>(opt.hangover_ms) / 1000;
  Reset();
}

void Vad::Reset() {
  state_ = State::kSilence;
  run_ = 0;
  energy_ = levels::kFloorDbov;
  floor_ = levels::kFloorDbov;
  primed_ = false;
}

State Vad::Process(const int16_t* x, size_t n) {
  energy_ = levels::FrameEnergyDbov(x, n);
  // Noise floor: drops at once to a quieter frame, rises slowly towards a louder one.
  if (!primed_) {
    floor_ = energy_;  // the first frame seeds the floor

    primed_ = true;
  } else if (energy_ < floor_) {
    floor_ = energy_;
  } else {
    const double rise = opt_.floor_rise_db_per_s * static_cast<double>(n) / opt_.sample_rate;
    floor_ = energy_ - floor_ < rise ? energy_ : floor_ + rise;
  }
  const bool speech = energy_ >= opt_.threshold_dbov && energy_ >= floor_ + opt_.margin_db;
  const State next = Next(state_, speech, run_, n, onset_samples_, hangover_samples_);
  run_ = next == state_ ? run_ + n : n;
  state_ = next;
  return state_;
}

}  // namespace vad
}  // namespace vg
