// Each native feature registers its exports here; addon.cc calls every Init*.
#pragma once
#include <napi.h>

namespace vg {
void InitSdNotify(Napi::Env env, Napi::Object exports);
void InitG711(Napi::Env env, Napi::Object exports);
void InitG722(Napi::Env env, Napi::Object exports);
void InitResampler(Napi::Env env, Napi::Object exports);
void InitDtmf(Napi::Env env, Napi::Object exports);
void InitVad(Napi::Env env, Napi::Object exports);
void InitLevels(Napi::Env env, Napi::Object exports);
}  // namespace vg
