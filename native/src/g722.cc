#include "g722.h"

#include <cstring>

namespace vg {
namespace g722 {

namespace {

// G.722 Table 11: QMF coefficients (h0..h11; the 24-tap filter is symmetric).
constexpr int kQmf[12] = {3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11};

// G.722 Table 17 (ILB): 2^(x/32) for the fractional part of the log scale factor, Q11.
constexpr int kIlb[32] = {2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543,
                          2599, 2656, 2714, 2774, 2834, 2896, 2960, 3025, 3091, 3158, 3228,
                          3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008};

// Low band, indexed by the 4-bit code IL4 (the 6-bit code without its two least significant bits).
// WL (Table 15 via RIL4) and QQ4 (Table 14, signed by the code).
constexpr int kWl[16] = {-60, 3042, 1198, 538, 334, 172, 58, -30, 3042, 1198, 538, 334, 172, 58, -30, -60};
constexpr int kQq4[16] = {0,    -2557, -1612, -1121, -786, -530, -323, -150,
                          2557, 1612,  1121,  786,   530,  323,  150,  0};
// QQ6 (Table 12) signed and indexed by the 6-bit code IL.
constexpr int kQq6[64] = {-17,   -17,   -17,   -17,   -3101, -2738, -2376, -2088, -1873, -1689, -1535,
                          -1399, -1279, -1170, -1072, -982,  -899,  -822,  -750,  -682,  -618,  -558,
                          -501,  -447,  -396,  -347,  -300,  -254,  -211,  -170,  -130,  -91,   3101,
                          2738,  2376,  2088,  1873,  1689,  1535,  1399,  1279,  1170,  1072,  982,
                          899,   822,   750,   682,   618,   558,   501,   447,   396,   347,   300,
                          254,   211,   170,   130,   91,    54,    17,    -54,   -17};
// Low-band quantiser decision levels Q6 (Table 12), increasing; scaled by DETL at run time. Padded
// to 32 with levels no difference reaches, for a branch-free binary search.
constexpr int64_t kQ6[32] = {35,   72,   110,  150,  190,  233,  276,  323,  370,  422,  473,
                             530,  587,  650,  714,  786,  858,  940,  1023, 1121, 1219, 1339,
                             1458, 1612, 1765, 1980, 2195, 2557, 2919, 1 << 30, 1 << 30, 1 << 30};

// High band: QQ2 (Table 16) signed by the 2-bit code IH, and WH (Table 16) by its low bit.
constexpr int kQq2[4] = {-926, -202, 926, 202};
constexpr int kWh[2] = {798, -214};

inline int Clamp(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }
inline int Sat16(int v) { return Clamp(v, -32768, 32767); }

// SCALEL/SCALEH: linear scale factor from the log one (Q11 exponent, 5-bit mantissa index).
inline int LinearScale(int nb_minus_offset) {
  int wd1 = kIlb[(nb_minus_offset >> 6) & 31];
  int shift = nb_minus_offset >> 11;
  return shift < 0 ? wd1 >> -shift : wd1 << shift;
}

// One step of the adaptive predictor (§3.6): UPPOL2, UPPOL1, UPZERO, DELAYA, FILTEZ, FILTEP,
// RECONS, PREDIC. `dq` is the quantised difference signal DLT/DH.
void Adapt(Band* b, int dq) {
  const bool plt_neg = b->sz + dq < 0;
  // sg0: +1 when PLT and PLT1 differ in sign; sg1: +1 when PLT and PLT2 agree.
  const int sg0 = plt_neg != b->plt_neg[0] ? 1 : -1;
  const int sg1 = plt_neg == b->plt_neg[1] ? 1 : -1;
  b->plt_neg[1] = b->plt_neg[0];
  b->plt_neg[0] = plt_neg;

  b->al[1] = Clamp(((sg0 * Clamp(b->al[0], -8191, 8191)) >> 5) + sg1 * 128 + ((b->al[1] * 127) >> 7), -12288,
                   12288);
  const int limit = 15360 - b->al[1];
  b->al[0] = Clamp(-192 * sg0 + ((b->al[0] * 255) >> 8), -limit, limit);

  int sz = 0;
  // BL += 128 when the signs of DLT and DLTi agree, -128 when they differ, nothing when DLT = 0
  // (written without branches: the signs are random and would defeat branch prediction).
  const int active = dq != 0 ? 1 : 0;
  for (int i = 5; i >= 0; i--) {
    const int differ = static_cast<int>(static_cast<uint32_t>(b->dlt[i] ^ dq) >> 31);
    b->bl[i] = ((b->bl[i] * 255) >> 8) + active * (128 - 256 * differ);
  }
  for (int i = 5; i > 0; i--) b->dlt[i] = b->dlt[i - 1];
  b->dlt[0] = Sat16(dq * 2);
  for (int i = 5; i >= 0; i--) sz += (b->bl[i] * b->dlt[i]) >> 15;
  b->sz = sz;

  const int rlt = Sat16((b->s + dq) * 2);
  b->s = Sat16(sz + ((b->al[0] * rlt) >> 15) + ((b->al[1] * b->rlt1) >> 15));
  b->rlt1 = rlt;
}

void UpdateLow(Band* b, int il4) {
  Adapt(b, (b->det * kQq4[il4]) >> 10);
  b->nb = Clamp(((b->nb * 127) >> 7) + kWl[il4], 0, 18432);  // LOGSCL
  b->det = LinearScale(b->nb - (8 << 11));                    // SCALEL
}

void UpdateHigh(Band* b, int dh, int ih) {
  Adapt(b, dh);
  b->nb = Clamp(((b->nb * 127) >> 7) + kWh[ih & 1], 0, 22528);  // LOGSCH
  b->det = LinearScale(b->nb - (10 << 11));                     // SCALEH
}

void BandInit(Band* b, int det) {
  memset(b, 0, sizeof(*b));
  b->det = det;
}

void QmfInit(Qmf* q) {
  memset(q->hist, 0, sizeof(q->hist));
  q->pos = 22;
}

// Appends two samples and returns the two filter sums over the last 24 (§3.2 / §4.4).
inline void QmfPush(Qmf* q, int a, int b, int* odd_sum, int* even_sum) {
  q->hist[q->pos++] = static_cast<int16_t>(a);
  q->hist[q->pos++] = static_cast<int16_t>(b);
  const int16_t* w = q->hist + q->pos - 24;
  int e = 0, o = 0;
  for (int i = 0; i < 12; i++) {
    e += w[2 * i] * kQmf[i];
    o += w[2 * i + 1] * kQmf[11 - i];
  }
  *even_sum = e;
  *odd_sum = o;
  if (q->pos >= Qmf::kSize) {
    memmove(q->hist, q->hist + q->pos - 22, 22 * sizeof(q->hist[0]));
    q->pos = 22;
  }
}

}  // namespace

void EncoderInit(EncoderState* st) {
  BandInit(&st->low, 8);
  BandInit(&st->high, 2);
  QmfInit(&st->qmf);
}

void DecoderInit(DecoderState* st) {
  BandInit(&st->low, 8);
  BandInit(&st->high, 2);
  QmfInit(&st->qmf);
}

void Encode(EncoderState* st, const int16_t* pcm, size_t n, uint8_t* out) {
  Band* lo = &st->low;
  Band* hi = &st->high;
  for (size_t k = 0; k + 1 < n; k += 2) {
    int odd, even;
    QmfPush(&st->qmf, pcm[k], pcm[k + 1], &odd, &even);
    const int xl = (odd + even) >> 14;  // transmit QMF: low and high sub-band samples
    const int xh = (odd - even) >> 14;

    // High band: 2-bit quantiser (§3.4, QUANTH).
    const int eh = Sat16(xh - hi->s);
    const int mh = eh >= 0 ? eh : ~eh;
    const int ih = (mh < ((141 * hi->det) >> 8) ? 1 : 0) + (eh >= 0 ? 2 : 0);

    // Low band: 6-bit quantiser (§3.3, QUANTL); mirror-image magnitude for negative differences.
    const int el = Sat16(xl - lo->s);
    const int ml = el >= 0 ? el : ~el;
    const int scaled = (ml + 1) << 10;
    // i = number of decision levels below the difference (0..29), by a branch-free binary search.
    int i = 0;
    for (int step = 16; step > 0; step >>= 1) i += scaled > kQ6[i + step - 1] * lo->det ? step : 0;
    const int il = (el < 0 ? (i < 2 ? 63 : 33) : 61) - i;

    UpdateHigh(hi, (hi->det * kQq2[ih]) >> 10, ih);
    UpdateLow(lo, il >> 2);
    out[k >> 1] = static_cast<uint8_t>((ih << 6) | il);
  }
}

void Decode(DecoderState* st, const uint8_t* in, size_t n, int16_t* pcm) {
  Band* lo = &st->low;
  Band* hi = &st->high;
  for (size_t k = 0; k < n; k++) {
    const int ih = in[k] >> 6;
    const int il = in[k] & 63;
    const int rl = Clamp(((lo->det * kQq6[il]) >> 10) + lo->s, -16384, 16383);
    UpdateLow(lo, il >> 2);
    const int dh = (hi->det * kQq2[ih]) >> 10;
    const int rh = Clamp(dh + hi->s, -16384, 16383);
    UpdateHigh(hi, dh, ih);
    int odd, even;
    QmfPush(&st->qmf, rl + rh, rl - rh, &odd, &even);  // receive QMF
    pcm[2 * k] = static_cast<int16_t>(Sat16(odd >> 11));
    pcm[2 * k + 1] = static_cast<int16_t>(Sat16(even >> 11));
  }
}

}  // namespace g722
}  // namespace vg
