#include "napi_args.h"

#include <cmath>
#include <cstdio>

namespace vg {

namespace {

const char* TypeName(napi_typedarray_type t) {
  switch (t) {
    case napi_int16_array:
      return "an Int16Array";
    case napi_uint8_array:
      return "a Uint8Array or Buffer";
    case napi_float64_array:
      return "a Float64Array";
    default:
      return "a typed array";
  }
}

std::string Fmt(double v) {
  char b[32];
  snprintf(b, sizeof(b), "%g", v);
  return b;
}

}  // namespace

void ThrowType(Napi::Env env, const std::string& msg) { Napi::TypeError::New(env, msg).ThrowAsJavaScriptException(); }
void ThrowRange(Napi::Env env, const std::string& msg) { Napi::RangeError::New(env, msg).ThrowAsJavaScriptException(); }
void ThrowError(Napi::Env env, const std::string& msg) { Napi::Error::New(env, msg).ThrowAsJavaScriptException(); }

bool GetArray(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, const char* fn, const char* arg,
              ArrayArg* out, bool allow_empty) {
  napi_env env = info.Env();
  auto what = [&]() { return std::string(fn) + ": " + arg; };
  bool is_ta = false;
  if (i >= info.Length() || napi_is_typedarray(env, info[i], &is_ta) != napi_ok || !is_ta) {
    ThrowType(info.Env(), what() + " must be " + TypeName(type));
    return false;
  }
  napi_typedarray_type t;
  size_t len = 0;
  void* data = nullptr;
  napi_value ab;
  size_t off = 0;
  if (napi_get_typedarray_info(env, info[i], &t, &len, &data, &ab, &off) != napi_ok || t != type) {
    ThrowType(info.Env(), what() + " must be " + TypeName(type));
    return false;
  }
  if (len > 0 && data == nullptr) {
    ThrowRange(info.Env(), what() + "'s buffer is detached");
    return false;
  }
  if (len == 0 && !allow_empty) {
    bool detached = false;
    napi_is_detached_arraybuffer(env, ab, &detached);
    ThrowRange(info.Env(), what() + (detached ? "'s buffer is detached" : " must not be empty"));
    return false;
  }
  if (len > kMaxElements) {
    ThrowRange(info.Env(), what() + " is too long (" + std::to_string(len) + " > " +
                               std::to_string(kMaxElements) + " elements)");
    return false;
  }
  out->data = data;
  out->length = len;
  return true;
}

bool GetNumber(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* arg, double lo, double hi,
               double* out) {
  auto what = [&]() { return std::string(fn) + ": " + arg; };
  if (i >= info.Length() || !info[i].IsNumber()) {
    ThrowType(info.Env(), what() + " must be a number");
    return false;
  }
  const double v = info[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || v < lo || v > hi) {
    ThrowRange(info.Env(), what() + " must be between " + Fmt(lo) + " and " + Fmt(hi));
    return false;
  }
  *out = v;
  return true;
}

bool GetInt(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* arg, int64_t lo, int64_t hi,
            int64_t* out) {
  double v = 0;
  if (!GetNumber(info, i, fn, arg, static_cast<double>(lo), static_cast<double>(hi), &v)) return false;
  if (v != std::floor(v)) {
    ThrowRange(info.Env(), std::string(fn) + ": " + arg + " must be an integer");
    return false;
  }
  *out = static_cast<int64_t>(v);
  return true;
}

}  // namespace vg
