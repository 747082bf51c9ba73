// voicegate's native addon. Raw snake_case exports; src/media/codec/native.ts is its only importer.
// Bump kAbiVersion (and EXPECTED_ABI in native.ts) whenever the exports change.
#include <napi.h>

#include "bindings.h"

namespace {
constexpr int kAbiVersion = 2;
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("abi_version", Napi::Number::New(env, kAbiVersion));
  vg::InitSdNotify(env, exports);
  vg::InitG711(env, exports);
  vg::InitG722(env, exports);
  vg::InitResampler(env, exports);
  vg::InitDtmf(env, exports);
  vg::InitVad(env, exports);
  vg::InitLevels(env, exports);
  return exports;
}

NODE_API_MODULE(voicegate_native, Init)
