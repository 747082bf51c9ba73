// N-API face of DTMF:
//   DtmfGenerator(sampleRate, toneMs, gapMs, lowDbm0, highDbm0) { queue(keys: string): boolean,
//     generate(dst: Int16Array): number, pending(): number, reset(), close() }
//   DtmfDetector(sampleRate) { process(src: Int16Array): string, lastWindow(): object, reset(),
//     close() }
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "bindings.h"
#include "dtmf_detector.h"
#include "dtmf_generator.h"
#include "napi_args.h"

namespace vg {

namespace {

bool GetDtmfRate(const Napi::CallbackInfo& info, const char* fn, int* rate) {
  int64_t r = 0;
  if (!GetInt(info, 0, fn, "sampleRate", 1, 1000000, &r)) return false;
  if (r != 8000 && r != 16000) {
    ThrowRange(info.Env(), std::string(fn) + ": sampleRate must be 8000 or 16000");
    return false;
  }
  *rate = static_cast<int>(r);
  return true;
}

class GeneratorWrap : public Napi::ObjectWrap<GeneratorWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "DtmfGenerator",
                       {InstanceMethod<&GeneratorWrap::Queue>("queue"),
                        InstanceMethod<&GeneratorWrap::Generate>("generate"),
                        InstanceMethod<&GeneratorWrap::Pending>("pending"),
                        InstanceMethod<&GeneratorWrap::Reset>("reset"), InstanceMethod<&GeneratorWrap::Close>("close")});
  }
  explicit GeneratorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<GeneratorWrap>(info) {
    const char* fn = "new DtmfGenerator";
    dtmf::GeneratorOptions o;
    int64_t tone = 0, gap = 0;
    if (!GetDtmfRate(info, fn, &o.sample_rate)) return;
    if (!GetInt(info, 1, fn, "toneMs", 10, 10000, &tone)) return;
    if (!GetInt(info, 2, fn, "gapMs", 0, 10000, &gap)) return;
    if (!GetNumber(info, 3, fn, "lowDbm0", -40, -3, &o.low_dbm0)) return;
    if (!GetNumber(info, 4, fn, "highDbm0", -40, -3, &o.high_dbm0)) return;
    o.tone_ms = static_cast<int>(tone);
    o.gap_ms = static_cast<int>(gap);
    g_ = std::make_unique<dtmf::Generator>(o);
  }

 private:
  Napi::Value Queue(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    dtmf::Generator* g = Live<dtmf::Generator>(env, g_, "DtmfGenerator");
    if (g == nullptr) return env.Undefined();
    if (info.Length() < 1 || !info[0].IsString()) {
      ThrowType(env, "DtmfGenerator.queue: keys must be a string");
      return env.Undefined();
    }
    size_t len = 0;
    napi_get_value_string_latin1(env, info[0], nullptr, 0, &len);  // length only
    if (len > dtmf::Generator::kMaxQueue) {
      ThrowRange(env, "DtmfGenerator.queue: at most 256 keys may be queued");
      return env.Undefined();
    }
    char buf[dtmf::Generator::kMaxQueue + 1];
    napi_get_value_string_latin1(env, info[0], buf, sizeof(buf), &len);
    return Napi::Boolean::New(env, g->Queue(buf, len));
  }
  Napi::Value Generate(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    dtmf::Generator* g = Live<dtmf::Generator>(env, g_, "DtmfGenerator");
    if (g == nullptr) return env.Undefined();
    ArrayArg dst;
    if (!GetArray(info, 0, napi_int16_array, "DtmfGenerator.generate", "dst", &dst)) return env.Undefined();
    const size_t busy = g->Generate(static_cast<int16_t*>(dst.data), dst.length);
    return Napi::Number::New(env, static_cast<double>(busy));
  }
  Napi::Value Pending(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    dtmf::Generator* g = Live<dtmf::Generator>(env, g_, "DtmfGenerator");
    if (g == nullptr) return env.Undefined();
    return Napi::Number::New(env, static_cast<double>(g->Pending()));
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    dtmf::Generator* g = Live<dtmf::Generator>(info.Env(), g_, "DtmfGenerator");
    if (g != nullptr) g->Reset();
    return info.Env().Undefined();
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    g_.reset();
    return info.Env().Undefined();
  }
  std::unique_ptr<dtmf::Generator> g_;
};

class DetectorWrap : public Napi::ObjectWrap<DetectorWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "DtmfDetector",
                       {InstanceMethod<&DetectorWrap::Process>("process"),
                        InstanceMethod<&DetectorWrap::LastWindow>("lastWindow"),
                        InstanceMethod<&DetectorWrap::Reset>("reset"), InstanceMethod<&DetectorWrap::Close>("close")});
  }
  explicit DetectorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DetectorWrap>(info) {
    int rate = 0;
    if (!GetDtmfRate(info, "new DtmfDetector", &rate)) return;
    d_ = std::make_unique<dtmf::Detector>(rate, dtmf::DetectorLimits{});
  }

 private:
  Napi::Value Process(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    dtmf::Detector* d = Live<dtmf::Detector>(env, d_, "DtmfDetector");
    if (d == nullptr) return env.Undefined();
    ArrayArg src;
    if (!GetArray(info, 0, napi_int16_array, "DtmfDetector.process", "src", &src)) return env.Undefined();
    // A key needs at least 40 ms, so a call can report at most one per 40 ms of input (+1).
    const size_t max_keys = src.length / 320 + 2;
    char small[64];
    std::vector<char> big;
    char* keys = small;
    if (max_keys > sizeof(small)) {
      big.resize(max_keys);
      keys = big.data();
    }
    const size_t n = d->Process(static_cast<const int16_t*>(src.data), src.length, keys, max_keys);
    return Napi::String::New(env, keys, n);
  }
  Napi::Value LastWindow(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    dtmf::Detector* d = Live<dtmf::Detector>(env, d_, "DtmfDetector");
    if (d == nullptr) return env.Undefined();
    const dtmf::Detector::Window& w = d->last_window();
    Napi::Object o = Napi::Object::New(env);
    o.Set("key", w.key != 0 ? std::string(1, w.key) : std::string());
    o.Set("row", w.row);
    o.Set("col", w.col);
    o.Set("rowDbov", w.row_dbov);
    o.Set("colDbov", w.col_dbov);
    o.Set("totalDbov", w.total_dbov);
    o.Set("rowDeviation", w.row_dev);
    o.Set("colDeviation", w.col_dev);
    return o;
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    dtmf::Detector* d = Live<dtmf::Detector>(info.Env(), d_, "DtmfDetector");
    if (d != nullptr) d->Reset();
    return info.Env().Undefined();
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    d_.reset();
    return info.Env().Undefined();
  }
  std::unique_ptr<dtmf::Detector> d_;
};

}  // namespace

void InitDtmf(Napi::Env env, Napi::Object exports) {
  exports.Set("DtmfGenerator", GeneratorWrap::Define(env));
  exports.Set("DtmfDetector", DetectorWrap::Define(env));
}

}  // namespace vg
