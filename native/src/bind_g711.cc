// N-API face of G.711: g711_{alaw,ulaw}_{encode,decode}(src, dst), g711_{alaw_to_ulaw,ulaw_to_alaw}
// (src, dst) and g711_tables(). dst must hold at least src.length elements; any length is one batch.
#include <napi.h>

#include <cstring>
#include <string>

#include "bindings.h"
#include "g711.h"
#include "napi_args.h"

namespace vg {

namespace {

template <typename In, typename Out, void (*Fn)(const In*, Out*, size_t)>
Napi::Value Convert(const Napi::CallbackInfo& info, const char* name, napi_typedarray_type in_type,
                    napi_typedarray_type out_type) {
  Napi::Env env = info.Env();
  ArrayArg src, dst;
  if (!GetArray(info, 0, in_type, name, "src", &src)) return env.Undefined();
  if (!GetArray(info, 1, out_type, name, "dst", &dst)) return env.Undefined();
  if (dst.length < src.length) {
    ThrowRange(env, std::string(name) + ": dst is shorter than src (" + std::to_string(dst.length) + " < " +
                        std::to_string(src.length) + ")");
    return env.Undefined();
  }
  Fn(static_cast<const In*>(src.data), static_cast<Out*>(dst.data), src.length);
  return env.Undefined();
}

Napi::Value AlawEncode(const Napi::CallbackInfo& info) {
  return Convert<int16_t, uint8_t, g711::AlawEncode>(info, "g711_alaw_encode", napi_int16_array, napi_uint8_array);
}
Napi::Value UlawEncode(const Napi::CallbackInfo& info) {
  return Convert<int16_t, uint8_t, g711::UlawEncode>(info, "g711_ulaw_encode", napi_int16_array, napi_uint8_array);
}
Napi::Value AlawDecode(const Napi::CallbackInfo& info) {
  return Convert<uint8_t, int16_t, g711::AlawDecode>(info, "g711_alaw_decode", napi_uint8_array, napi_int16_array);
}
Napi::Value UlawDecode(const Napi::CallbackInfo& info) {
  return Convert<uint8_t, int16_t, g711::UlawDecode>(info, "g711_ulaw_decode", napi_uint8_array, napi_int16_array);
}
Napi::Value AlawToUlaw(const Napi::CallbackInfo& info) {
  return Convert<uint8_t, uint8_t, g711::AlawToUlaw>(info, "g711_alaw_to_ulaw", napi_uint8_array, napi_uint8_array);
}
Napi::Value UlawToAlaw(const Napi::CallbackInfo& info) {
  return Convert<uint8_t, uint8_t, g711::UlawToAlaw>(info, "g711_ulaw_to_alaw", napi_uint8_array, napi_uint8_array);
}

template <typename T>
Napi::TypedArrayOf<T> Copy(Napi::Env env, const T* src, size_t n) {
  auto arr = Napi::TypedArrayOf<T>::New(env, n);
  memcpy(arr.Data(), src, n * sizeof(T));
  return arr;
}

// Tables for the JavaScript fast path, so both paths share one definition of the codec.
Napi::Value Tables(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("alaw_decode", Copy(env, g711::AlawDecodeTable(), 256));
  o.Set("ulaw_decode", Copy(env, g711::UlawDecodeTable(), 256));
  o.Set("alaw_to_ulaw", Copy(env, g711::AlawToUlawTable(), 256));
  o.Set("ulaw_to_alaw", Copy(env, g711::UlawToAlawTable(), 256));
  // Encoders over every 16-bit input, indexed by sample + 32768.
  auto a = Napi::Uint8Array::New(env, 65536);
  auto u = Napi::Uint8Array::New(env, 65536);
  for (int i = 0; i < 65536; i++) {
    a.Data()[i] = g711::AlawEncodeSample(static_cast<int16_t>(i - 32768));
    u.Data()[i] = g711::UlawEncodeSample(static_cast<int16_t>(i - 32768));
  }
  o.Set("alaw_encode", a);
  o.Set("ulaw_encode", u);
  return o;
}

}  // namespace

void InitG711(Napi::Env env, Napi::Object exports) {
  exports.Set("g711_alaw_encode", Napi::Function::New(env, AlawEncode, "g711_alaw_encode"));
  exports.Set("g711_ulaw_encode", Napi::Function::New(env, UlawEncode, "g711_ulaw_encode"));
  exports.Set("g711_alaw_decode", Napi::Function::New(env, AlawDecode, "g711_alaw_decode"));
  exports.Set("g711_ulaw_decode", Napi::Function::New(env, UlawDecode, "g711_ulaw_decode"));
  exports.Set("g711_alaw_to_ulaw", Napi::Function::New(env, AlawToUlaw, "g711_alaw_to_ulaw"));
  exports.Set("g711_ulaw_to_alaw", Napi::Function::New(env, UlawToAlaw, "g711_ulaw_to_alaw"));
  exports.Set("g711_tables", Napi::Function::New(env, Tables, "g711_tables"));
}

}  // namespace vg
