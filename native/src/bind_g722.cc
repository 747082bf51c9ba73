// N-API face of G.722: classes G722Encoder { encode(pcm: Int16Array, dst: Uint8Array): number,
// reset(), close() } and G722Decoder { decode(code: Uint8Array, dst: Int16Array): number, ... }.
#include <napi.h>

#include <memory>
#include <string>

#include "bindings.h"
#include "g722.h"
#include "napi_args.h"

namespace vg {

namespace {

class EncoderWrap : public Napi::ObjectWrap<EncoderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "G722Encoder",
                       {InstanceMethod<&EncoderWrap::Encode>("encode"), InstanceMethod<&EncoderWrap::Reset>("reset"),
                        InstanceMethod<&EncoderWrap::Close>("close")});
  }
  explicit EncoderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EncoderWrap>(info) {
    st_ = std::make_unique<g722::EncoderState>();
    g722::EncoderInit(st_.get());
  }

 private:
  Napi::Value Encode(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    g722::EncoderState* st = Live<g722::EncoderState>(env, st_, "G722Encoder");
    if (st == nullptr) return env.Undefined();
    ArrayArg pcm, dst;
    if (!GetArray(info, 0, napi_int16_array, "G722Encoder.encode", "pcm", &pcm)) return env.Undefined();
    if (!GetArray(info, 1, napi_uint8_array, "G722Encoder.encode", "dst", &dst)) return env.Undefined();
    if (pcm.length % 2 != 0) {
      ThrowRange(env, "G722Encoder.encode: pcm length must be even (two samples per octet)");
      return env.Undefined();
    }
    const size_t out = pcm.length / 2;
    if (dst.length < out) {
      ThrowRange(env, "G722Encoder.encode: dst must hold pcm.length / 2 octets (" + std::to_string(out) + ")");
      return env.Undefined();
    }
    g722::Encode(st, static_cast<const int16_t*>(pcm.data), pcm.length, static_cast<uint8_t*>(dst.data));
    return Napi::Number::New(env, static_cast<double>(out));
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    g722::EncoderState* st = Live<g722::EncoderState>(info.Env(), st_, "G722Encoder");
    if (st != nullptr) g722::EncoderInit(st);
    return info.Env().Undefined();
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    st_.reset();
    return info.Env().Undefined();
  }
  std::unique_ptr<g722::EncoderState> st_;
};

class DecoderWrap : public Napi::ObjectWrap<DecoderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "G722Decoder",
                       {InstanceMethod<&DecoderWrap::Decode>("decode"), InstanceMethod<&DecoderWrap::Reset>("reset"),
                        InstanceMethod<&DecoderWrap::Close>("close")});
  }
  explicit DecoderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DecoderWrap>(info) {
    st_ = std::make_unique<g722::DecoderState>();
    g722::DecoderInit(st_.get());
  }

 private:
  Napi::Value Decode(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    g722::DecoderState* st = Live<g722::DecoderState>(env, st_, "G722Decoder");
    if (st == nullptr) return env.Undefined();
    ArrayArg code, dst;
    if (!GetArray(info, 0, napi_uint8_array, "G722Decoder.decode", "code", &code)) return env.Undefined();
    if (!GetArray(info, 1, napi_int16_array, "G722Decoder.decode", "dst", &dst)) return env.Undefined();
    if (dst.length / 2 < code.length) {
      ThrowRange(env, "G722Decoder.decode: dst must hold code.length * 2 samples (" +
                          std::to_string(code.length * 2) + ")");
      return env.Undefined();
    }
    g722::Decode(st, static_cast<const uint8_t*>(code.data), code.length, static_cast<int16_t*>(dst.data));
    return Napi::Number::New(env, static_cast<double>(code.length * 2));
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    g722::DecoderState* st = Live<g722::DecoderState>(info.Env(), st_, "G722Decoder");
    if (st != nullptr) g722::DecoderInit(st);
    return info.Env().Undefined();
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    st_.reset();
    return info.Env().Undefined();
  }
  std::unique_ptr<g722::DecoderState> st_;
};

}  // namespace

void InitG722(Napi::Env env, Napi::Object exports) {
  exports.Set("G722Encoder", EncoderWrap::Define(env));
  exports.Set("G722Decoder", DecoderWrap::Define(env));
}

}  // namespace vg
