// `codec_test --write-g722-signal FILE` writes the G.722 test signal for ffmpeg to encode.
#include <cstdio>
#include <cstring>

#include "signals.h"

int WriteG722Signal(const char* path) {
  const auto s = vgtest::G722Signal();
  FILE* f = fopen(path, "wb");
  if (f == nullptr) return 1;
  for (int16_t v : s) {
    const unsigned char b[2] = {static_cast<unsigned char>(v & 0xFF), static_cast<unsigned char>((v >> 8) & 0xFF)};
    fwrite(b, 1, 2, f);
  }
  return fclose(f) == 0 ? 0 : 1;
}
