// Each native feature registers its exports here; addon.cc calls every Init*.
#pragma once
#include <napi.h>

namespace vg {
void InitSdNotify(Napi::Env env, Napi::Object exports);
}  // namespace vg
