// N-API face of levels: frame_energy_dbov(src: Int16Array): number, tone_levels_dbov(src,
// sampleRate, freqs: Float64Array, out: Float64Array), and the bare-call probes noop() and
// noop_typed(src) that the benchmark uses to price one crossing of the boundary.
#include <napi.h>

#include <cmath>
#include <string>

#include "bindings.h"
#include "levels.h"
#include "napi_args.h"

namespace vg {

namespace {

constexpr size_t kMaxFreqs = 64;

Napi::Value FrameEnergy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayArg src;
  if (!GetArray(info, 0, napi_int16_array, "frame_energy_dbov", "samples", &src)) return env.Undefined();
  return Napi::Number::New(env, levels::FrameEnergyDbov(static_cast<const int16_t*>(src.data), src.length));
}

Napi::Value ToneLevels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "tone_levels_dbov";
  ArrayArg src, freqs, out;
  double rate = 0;
  if (!GetArray(info, 0, napi_int16_array, fn, "samples", &src)) return env.Undefined();
  if (!GetNumber(info, 1, fn, "sampleRate", 1000, 192000, &rate)) return env.Undefined();
  if (!GetArray(info, 2, napi_float64_array, fn, "freqsHz", &freqs)) return env.Undefined();
  if (!GetArray(info, 3, napi_float64_array, fn, "out", &out)) return env.Undefined();
  if (freqs.length > kMaxFreqs) {
    ThrowRange(env, std::string(fn) + ": at most 64 frequencies");
    return env.Undefined();
  }
  if (out.length < freqs.length) {
    ThrowRange(env, std::string(fn) + ": out is shorter than freqsHz");
    return env.Undefined();
  }
  const double* f = static_cast<const double*>(freqs.data);
  for (size_t i = 0; i < freqs.length; i++) {
    if (!std::isfinite(f[i]) || f[i] <= 0 || f[i] >= rate / 2) {
      ThrowRange(env, std::string(fn) + ": freqsHz[" + std::to_string(i) + "] must be above 0 and below sampleRate / 2");
      return env.Undefined();
    }
  }
  levels::ToneLevelsDbov(static_cast<const int16_t*>(src.data), src.length, rate, f, freqs.length,
                         static_cast<double*>(out.data));
  return env.Undefined();
}

Napi::Value Noop(const Napi::CallbackInfo& info) { return info.Env().Undefined(); }

Napi::Value NoopTyped(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayArg src;
  if (!GetArray(info, 0, napi_int16_array, "noop_typed", "src", &src)) return env.Undefined();
  return Napi::Number::New(env, static_cast<double>(src.length));
}

}  // namespace

void InitLevels(Napi::Env env, Napi::Object exports) {
  exports.Set("frame_energy_dbov", Napi::Function::New(env, FrameEnergy, "frame_energy_dbov"));
  exports.Set("tone_levels_dbov", Napi::Function::New(env, ToneLevels, "tone_levels_dbov"));
  exports.Set("noop", Napi::Function::New(env, Noop, "noop"));
  exports.Set("noop_typed", Napi::Function::New(env, NoopTyped, "noop_typed"));
}

}  // namespace vg
