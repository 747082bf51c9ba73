{
  "targets": [
    {
      "target_name": "voicegate_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/sd_notify.cc",
        "native/src/bind_sd_notify.cc",
        "native/src/napi_args.cc",
        "native/src/g711.cc",
        "native/src/bind_g711.cc",
        "native/src/g722.cc",
        "native/src/bind_g722.cc",
        "native/src/resampler.cc",
        "native/src/bind_resampler.cc",
        "native/src/levels.cc",
        "native/src/bind_levels.cc",
        "native/src/dtmf_generator.cc",
        "native/src/dtmf_detector.cc",
        "native/src/bind_dtmf.cc",
        "native/src/vad.cc",
        "native/src/bind_vad.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native/src"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_DISABLE_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags_cc": [ "-std=c++17", "-O3", "-Wall", "-Wextra", "-fno-exceptions" ],
      "cflags_cc!": [ "-fno-rtti" ],
      "xcode_settings": { "CLANG_CXX_LANGUAGE_STANDARD": "c++17" }
    }
  ]
}
