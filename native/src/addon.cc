// voicegate's native addon. Raw snake_case exports; src/media/codec/native.ts is its only importer.
#include <napi.h>

#include "bindings.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("abi_version", Napi::Number::New(env, 1));
  vg::InitSdNotify(env, exports);
  return exports;
}

NODE_API_MODULE(voicegate_native, Init)
