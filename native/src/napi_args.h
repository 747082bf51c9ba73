// Argument checks shared by the N-API bindings. The TypeScript face validates first; these checks
// repeat them so that no call from JavaScript can make C++ read or write out of bounds.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace vg {

// Largest array any call accepts (samples or codes): about 87 s of 48 kHz audio.
constexpr size_t kMaxElements = size_t{1} << 22;

void ThrowType(Napi::Env env, const std::string& msg);
void ThrowRange(Napi::Env env, const std::string& msg);
void ThrowError(Napi::Env env, const std::string& msg);

struct ArrayArg {
  void* data = nullptr;
  size_t length = 0;
};

// Messages name the function and the argument: "<fn>: <arg> must be ...". They are only built on
// failure, so the checks cost no allocation on the hot path.

// Argument `i` as a typed array of `type` with 1..kMaxElements elements (0 allowed when
// `allow_empty`). On failure throws a TypeError/RangeError and returns false.
bool GetArray(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, const char* fn, const char* arg,
              ArrayArg* out, bool allow_empty = false);

// Argument `i` as an integer in [lo, hi].
bool GetInt(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* arg, int64_t lo, int64_t hi,
            int64_t* out);

// Argument `i` as a finite number in [lo, hi].
bool GetNumber(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* arg, double lo, double hi,
               double* out);

// Throws "<cls>: used after close()" when `p` is null.
template <typename T, typename P>
T* Live(Napi::Env env, const P& p, const char* cls) {
  if (!p) {
    ThrowError(env, std::string(cls) + ": used after close()");
    return nullptr;
  }
  return p.get();
}

}  // namespace vg
