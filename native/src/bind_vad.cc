// N-API face of the VAD: class Vad(sampleRate, thresholdDbov, marginDb, onsetMs, hangoverMs,
// floorRiseDbPerS) {
// process(src: Int16Array): number (state: 0 silence, 1 onset, 2 speech, 3 hangover),
// energyDbov(), noiseFloorDbov(), reset(), close() }.
#include <napi.h>

#include <memory>

#include "bindings.h"
#include "napi_args.h"
#include "resampler.h"
#include "vad.h"

namespace vg {

namespace {

class VadWrap : public Napi::ObjectWrap<VadWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Vad",
                       {InstanceMethod<&VadWrap::Process>("process"), InstanceMethod<&VadWrap::Energy>("energyDbov"),
                        InstanceMethod<&VadWrap::Floor>("noiseFloorDbov"), InstanceMethod<&VadWrap::Reset>("reset"),
                        InstanceMethod<&VadWrap::Close>("close")});
  }
  explicit VadWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VadWrap>(info) {
    const char* fn = "new Vad";
    vad::Options o;
    int64_t rate = 0, onset = 0, hang = 0;
    if (!GetInt(info, 0, fn, "sampleRate", 8000, 48000, &rate)) return;
    if (!resample::SupportedRate(static_cast<int>(rate))) {
      ThrowRange(info.Env(), "new Vad: sampleRate must be 8000, 16000, 22050, 24000, 44100 or 48000");
      return;
    }
    if (!GetNumber(info, 1, fn, "thresholdDbov", -96, 0, &o.threshold_dbov)) return;
    if (!GetNumber(info, 2, fn, "marginDb", 0, 60, &o.margin_db)) return;
    if (!GetInt(info, 3, fn, "onsetMs", 0, 5000, &onset)) return;
    if (!GetInt(info, 4, fn, "hangoverMs", 0, 10000, &hang)) return;
    if (!GetNumber(info, 5, fn, "floorRiseDbPerS", 0, 100, &o.floor_rise_db_per_s)) return;
    o.sample_rate = static_cast<int>(rate);
    o.onset_ms = static_cast<int>(onset);
    o.hangover_ms = static_cast<int>(hang);
    v_ = std::make_unique<vad::Vad>(o);
  }

 private:
  Napi::Value Process(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    vad::Vad* v = Live<vad::Vad>(env, v_, "Vad");
    if (v == nullptr) return env.Undefined();
    ArrayArg src;
    if (!GetArray(info, 0, napi_int16_array, "Vad.process", "src", &src)) return env.Undefined();
    return Napi::Number::New(env, static_cast<int>(v->Process(static_cast<const int16_t*>(src.data), src.length)));
  }
  Napi::Value Energy(const Napi::CallbackInfo& info) {
    vad::Vad* v = Live<vad::Vad>(info.Env(), v_, "Vad");
    if (v == nullptr) return info.Env().Undefined();
    return Napi::Number::New(info.Env(), v->last_energy_dbov());
  }
  Napi::Value Floor(const Napi::CallbackInfo& info) {
    vad::Vad* v = Live<vad::Vad>(info.Env(), v_, "Vad");
    if (v == nullptr) return info.Env().Undefined();
    return Napi::Number::New(info.Env(), v->noise_floor_dbov());
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    vad::Vad* v = Live<vad::Vad>(info.Env(), v_, "Vad");
    if (v != nullptr) v->Reset();
    return info.Env().Undefined();
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    v_.reset();
    return info.Env().Undefined();
  }
  std::unique_ptr<vad::Vad> v_;
};

}  // namespace

void InitVad(Napi::Env env, Napi::Object exports) { exports.Set("Vad", VadWrap::Define(env)); }

}  // namespace vg
