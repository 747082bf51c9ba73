#include "g711.h"

namespace vg {
namespace g711 {

// A-law (G.711 Table 1a): 13-bit magnitude, segments of 16 intervals; even bits inverted (0x55).
uint8_t AlawEncodeSample(int16_t x) {
  // Negative samples use the one's complement, so -1 and 0 land in mirror-image intervals.
  int mag = (x < 0 ? ~static_cast<int>(x) : static_cast<int>(x)) >> 4;  // 0..2047
  int code;
  if (mag > 15) {
    int exp = 1;
    while (mag > 31) {  // normalise the mantissa to 16..31
      mag >>= 1;
      exp++;
    }
    code = (exp << 4) | (mag - 16);
  } else {
    code = mag;
  }
  if (x >= 0) code |= 0x80;
  return static_cast<uint8_t>(code ^ 0x55);
}

int16_t AlawDecodeSample(uint8_t code) {
  int v = code ^ 0x55;
  int exp = (v >> 4) & 7;
  int mant = v & 15;
  if (exp > 0) mant += 16;        // restore the implicit leading one
  int mag = (mant << 4) + 8;      // middle of the interval
  if (exp > 1) mag <<= exp - 1;
  return static_cast<int16_t>((v & 0x80) ? mag : -mag);
}

// mu-law (G.711 Table 2a): 14-bit magnitude biased by 33, segment = position of the leading one.
uint8_t UlawEncodeSample(int16_t x) {
  int biased = ((x < 0 ? ~static_cast<int>(x) : static_cast<int>(x)) >> 2) + 33;
  if (biased > 0x1FFF) biased = 0x1FFF;
  int seg = 1;
  for (int i = biased >> 6; i != 0; i >>= 1) seg++;
  int code = ((8 - seg) << 4) | (15 - ((biased >> seg) & 15));
  if (x >= 0) code |= 0x80;
  return static_cast<uint8_t>(code);
}

int16_t UlawDecodeSample(uint8_t code) {
  int v = ~code & 0xFF;
  int exp = (v >> 4) & 7;
  int mant = v & 15;
  int step = 4 << (exp + 1);
  int mag = (0x80 << exp) + step * mant + step / 2 - 4 * 33;
  return static_cast<int16_t>((code & 0x80) ? mag : -mag);
}

namespace {

struct Tables {
  int16_t alaw_dec[256];
  int16_t ulaw_dec[256];
  uint8_t a2u[256];
  uint8_t u2a[256];
  uint8_t alaw_enc[4096];   // indexed by (x >> 4) + 2048: A-law depends on x >> 4 only
  uint8_t ulaw_enc[16384];  // indexed by (x >> 2) + 8192: mu-law depends on x >> 2 only
  Tables() {
    for (int c = 0; c < 256; c++) {
      alaw_dec[c] = AlawDecodeSample(static_cast<uint8_t>(c));
      ulaw_dec[c] = UlawDecodeSample(static_cast<uint8_t>(c));
    }
    for (int c = 0; c < 256; c++) {
      a2u[c] = UlawEncodeSample(alaw_dec[c]);
      u2a[c] = AlawEncodeSample(ulaw_dec[c]);
    }
    for (int i = 0; i < 4096; i++) alaw_enc[i] = AlawEncodeSample(static_cast<int16_t>((i - 2048) * 16));
    for (int i = 0; i < 16384; i++) ulaw_enc[i] = UlawEncodeSample(static_cast<int16_t>((i - 8192) * 4));
  }
};

const Tables& T() {
  static const Tables tables;  // thread-safe static init (C++11)
  return tables;
}

}  // namespace

void AlawEncode(const int16_t* src, uint8_t* dst, size_t n) {
  const uint8_t* t = T().alaw_enc;
  for (size_t i = 0; i < n; i++) dst[i] = t[(src[i] >> 4) + 2048];
}
void AlawDecode(const uint8_t* src, int16_t* dst, size_t n) {
  const int16_t* t = T().alaw_dec;
  for (size_t i = 0; i < n; i++) dst[i] = t[src[i]];
}
void UlawEncode(const int16_t* src, uint8_t* dst, size_t n) {
  const uint8_t* t = T().ulaw_enc;
  for (size_t i = 0; i < n; i++) dst[i] = t[(src[i] >> 2) + 8192];
}
void UlawDecode(const uint8_t* src, int16_t* dst, size_t n) {
  const int16_t* t = T().ulaw_dec;
  for (size_t i = 0; i < n; i++) dst[i] = t[src[i]];
}
void AlawToUlaw(const uint8_t* src, uint8_t* dst, size_t n) {
  const uint8_t* t = T().a2u;
  for (size_t i = 0; i < n; i++) dst[i] = t[src[i]];
}
void UlawToAlaw(const uint8_t* src, uint8_t* dst, size_t n) {
  const uint8_t* t = T().u2a;
  for (size_t i = 0; i < n; i++) dst[i] = t[src[i]];
}

const int16_t* AlawDecodeTable() { return T().alaw_dec; }
const int16_t* UlawDecodeTable() { return T().ulaw_dec; }
const uint8_t* AlawToUlawTable() { return T().a2u; }
const uint8_t* UlawToAlawTable() { return T().u2a; }

}  // namespace g711
}  // namespace vg
