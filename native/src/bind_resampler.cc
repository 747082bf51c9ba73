// N-API face of the resampler: class Resampler(fromHz, toHz) { process(src: Int16Array,
// dst: Int16Array): number, info(): {up, down, taps, delay}, reset(), close() }.
#include <napi.h>

#include <memory>
#include <string>

#include "bindings.h"
#include "napi_args.h"
#include "resampler.h"

namespace vg {

namespace {

class ResamplerWrap : public Napi::ObjectWrap<ResamplerWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Resampler",
                       {InstanceMethod<&ResamplerWrap::Process>("process"),
                        InstanceMethod<&ResamplerWrap::Info>("info"), InstanceMethod<&ResamplerWrap::Reset>("reset"),
                        InstanceMethod<&ResamplerWrap::Close>("close")});
  }
  explicit ResamplerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ResamplerWrap>(info) {
    int64_t from = 0, to = 0;
    if (!GetInt(info, 0, "new Resampler", "fromHz", 8000, 48000, &from)) return;
    if (!GetInt(info, 1, "new Resampler", "toHz", 8000, 48000, &to)) return;
    if (!resample::SupportedRate(static_cast<int>(from)) || !resample::SupportedRate(static_cast<int>(to))) {
      ThrowRange(info.Env(), "new Resampler: rates must be 8000, 16000, 22050, 24000, 44100 or 48000");
      return;
    }
    r_ = std::make_unique<resample::Resampler>(static_cast<int>(from), static_cast<int>(to));
  }

 private:
  Napi::Value Process(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    resample::Resampler* r = Live<resample::Resampler>(env, r_, "Resampler");
    if (r == nullptr) return env.Undefined();
    ArrayArg src, dst;
    if (!GetArray(info, 0, napi_int16_array, "Resampler.process", "src", &src)) return env.Undefined();
    if (!GetArray(info, 1, napi_int16_array, "Resampler.process", "dst", &dst)) return env.Undefined();
    const size_t need = r->OutputCount(src.length);
    if (dst.length < need) {
      ThrowRange(env, "Resampler.process: dst must hold " + std::to_string(need) + " samples");
      return env.Undefined();
    }
    const size_t n = r->Process(static_cast<const int16_t*>(src.data), src.length, static_cast<int16_t*>(dst.data));
    return Napi::Number::New(env, static_cast<double>(n));
  }
  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    resample::Resampler* r = Live<resample::Resampler>(env, r_, "Resampler");
    if (r == nullptr) return env.Undefined();
    Napi::Object o = Napi::Object::New(env);
    const resample::FilterBank* fb = r->bank();
    o.Set("up", fb ? fb->up : 1);
    o.Set("down", fb ? fb->down : 1);
    o.Set("taps", fb ? fb->taps : 1);
    o.Set("delay", fb ? fb->delay_in : 0.0);
    return o;
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    resample::Resampler* r = Live<resample::Resampler>(info.Env(), r_, "Resampler");
    if (r != nullptr) r->Reset();
    return info.Env().Undefined();
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    r_.reset();
    return info.Env().Undefined();
  }
  std::unique_ptr<resample::Resampler> r_;
};

}  // namespace

void InitResampler(Napi::Env env, Napi::Object exports) { exports.Set("Resampler", ResamplerWrap::Define(env)); }

}  // namespace vg
