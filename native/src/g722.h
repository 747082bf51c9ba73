// ITU-T G.722 (09/2012) sub-band ADPCM at 64 kbit/s (mode 1): 16 kHz linear PCM <-> one octet per
// two samples. Integer arithmetic as in the standard's fixed-point description, so that output is
// bit-exact with other conforming implementations (checked against ffmpeg in the tests).
#pragma once
#include <cstddef>
#include <cstdint>

namespace vg {
namespace g722 {

// Adaptive predictor and quantiser-adaptation state of one sub-band (G.722 §3.5, §3.6).
struct Band {
  int s;            // predictor output SL/SH
  int sz;           // zero-section output SZL/SZH
  bool plt_neg[2];  // signs of the partially reconstructed signal, PLT1 and PLT2 (true = negative)
  int rlt1;         // previous reconstructed signal RLT1 (kept doubled, as the standard does)
  int al[2];        // pole coefficients AL1, AL2
  int dlt[6];       // past quantised differences DLT1..DLT6 (doubled)
  int bl[6];        // zero coefficients BL1..BL6
  int nb;           // logarithmic scale factor NBL/NBH
  int det;          // linear scale factor DETL/DETH
};

// QMF history: the last 24 samples of the 16 kHz side (G.722 §3.2 and §4.4), kept in a linear
// buffer that is compacted when full so the filter always reads 24 contiguous values.
struct Qmf {
  static constexpr int kSize = 512;
  int16_t hist[kSize];
  int pos;
};

struct EncoderState {
  Band low, high;
  Qmf qmf;
};

struct DecoderState {
  Band low, high;
  Qmf qmf;
};

void EncoderInit(EncoderState* st);
void DecoderInit(DecoderState* st);

// Encodes `n` samples (n even) into n/2 octets.
void Encode(EncoderState* st, const int16_t* pcm, size_t n, uint8_t* out);
// Decodes `n` octets into 2n samples.
void Decode(DecoderState* st, const uint8_t* in, size_t n, int16_t* pcm);

}  // namespace g722
}  // namespace vg
