// N-API face of sd_notify: sd_notify(socketPath: string, state: string) -> "sent" | "no-socket".
#include <napi.h>
#include <string.h>

#include <string>

#include "bindings.h"
#include "sd_notify.h"

namespace vg {

static Napi::Value SdNotifyJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2 || !info[0].IsString() || !info[1].IsString()) {
    Napi::TypeError::New(env, "sd_notify(socketPath, state): socketPath and state must be strings")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::string state = info[1].As<Napi::String>().Utf8Value();
  if (state.empty() || state.size() > 4096) {
    Napi::RangeError::New(env, "sd_notify: state must be 1..4096 bytes").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int err = 0;
  switch (SdNotify(path.c_str(), state.data(), state.size(), &err)) {
    case NotifyResult::kSent:
      return Napi::String::New(env, "sent");
    case NotifyResult::kNoSocket:
      return Napi::String::New(env, "no-socket");
    case NotifyResult::kBadPath:
      Napi::RangeError::New(env, "sd_notify: socketPath must be an absolute path or '@abstract' name shorter than 108 bytes")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    case NotifyResult::kSocketError:
    case NotifyResult::kSendError:
    default: {
      std::string msg = std::string("sd_notify: send to ") + path + " failed: " + strerror(err);
      Napi::Error e = Napi::Error::New(env, msg);
      e.Set("errno", Napi::Number::New(env, err));
      e.ThrowAsJavaScriptException();
      return env.Undefined();
    }
  }
}

void InitSdNotify(Napi::Env env, Napi::Object exports) {
  exports.Set("sd_notify", Napi::Function::New(env, SdNotifyJs, "sd_notify"));
}

}  // namespace vg
