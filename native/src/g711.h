// ITU-T G.711 A-law and mu-law, following the reference algorithm of ITU-T G.191's software tools
// (g711.c): 16-bit linear input, one's-complement magnitude for negative samples, reconstruction
// at the middle of each quantisation interval.
#pragma once
#include <cstddef>
#include <cstdint>

namespace vg {
namespace g711 {

uint8_t AlawEncodeSample(int16_t x);
int16_t AlawDecodeSample(uint8_t code);
uint8_t UlawEncodeSample(int16_t x);
int16_t UlawDecodeSample(uint8_t code);

// Table-driven bulk forms. `n` samples/codes; src and dst may not overlap.
void AlawEncode(const int16_t* src, uint8_t* dst, size_t n);
void AlawDecode(const uint8_t* src, int16_t* dst, size_t n);
void UlawEncode(const int16_t* src, uint8_t* dst, size_t n);
void UlawDecode(const uint8_t* src, int16_t* dst, size_t n);
// Direct transcoding: decode then re-encode each code, precomputed as 256-entry tables.
// src and dst may be the same buffer.
void AlawToUlaw(const uint8_t* src, uint8_t* dst, size_t n);
void UlawToAlaw(const uint8_t* src, uint8_t* dst, size_t n);

// The 256-entry tables (decode: linear values; transcode: codes).
const int16_t* AlawDecodeTable();
const int16_t* UlawDecodeTable();
const uint8_t* AlawToUlawTable();
const uint8_t* UlawToAlawTable();

}  // namespace g711
}  // namespace vg
