{
  "targets": [
    {
      "target_name": "voicegate_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/sd_notify.cc",
        "native/src/bind_sd_notify.cc"
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
      "cflags_cc": [ "-std=c++17", "-O2", "-Wall", "-Wextra", "-fno-exceptions" ],
      "cflags_cc!": [ "-fno-rtti" ],
      "xcode_settings": { "CLANG_CXX_LANGUAGE_STANDARD": "c++17" }
    }
  ]
}
