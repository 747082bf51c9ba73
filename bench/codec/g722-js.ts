/**
 * Baseline for the benchmark only: a plain TypeScript G.722 (64 kbit/s) encoder and decoder with
 * the same integer arithmetic as native/src/g722.cc. No pure-JavaScript G.722 package exists on
 * the registry, so this straightforward port stands in for one; the benchmark checks that its
 * output equals the addon's before timing it.
 */
const QMF = [3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11];
const ILB = [
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896, 2960,
  3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
];
const WL = [-60, 3042, 1198, 538, 334, 172, 58, -30, 3042, 1198, 538, 334, 172, 58, -30, -60];
const QQ4 = [0, -2557, -1612, -1121, -786, -530, -323, -150, 2557, 1612, 1121, 786, 530, 323, 150, 0];
const QQ6 = [
  -17, -17, -17, -17, -3101, -2738, -2376, -2088, -1873, -1689, -1535, -1399, -1279, -1170, -1072, -982, -899,
  -822, -750, -682, -618, -558, -501, -447, -396, -347, -300, -254, -211, -170, -130, -91, 3101, 2738, 2376,
  2088, 1873, 1689, 1535, 1399, 1279, 1170, 1072, 982, 899, 822, 750, 682, 618, 558, 501, 447, 396, 347, 300,
  254, 211, 170, 130, 91, 54, 17, -54, -17,
];
const Q6 = [
  35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940, 1023, 1121, 1219,
  1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
];
const QQ2 = [-926, -202, 926, 202];
const WH = [798, -214];

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const sat16 = (v: number) => clamp(v, -32768, 32767);

class Band {
  s = 0;
  sz = 0;
  p0 = false;
  p1 = false;
  rlt1 = 0;
  al0 = 0;
  al1 = 0;
  dlt = new Int32Array(6);
  bl = new Int32Array(6);
  nb = 0;
  constructor(public det: number) {}

  adapt(dq: number): void {
    const neg = this.sz + dq < 0;
    const sg0 = neg !== this.p0 ? 1 : -1;
    const sg1 = neg === this.p1 ? 1 : -1;
    this.p1 = this.p0;
    this.p0 = neg;
    this.al1 = clamp(
      ((sg0 * clamp(this.al0, -8191, 8191)) >> 5) + sg1 * 128 + ((this.al1 * 127) >> 7),
      -12288,
      12288,
    );
    const limit = 15360 - this.al1;
    this.al0 = clamp(-192 * sg0 + ((this.al0 * 255) >> 8), -limit, limit);
    for (let i = 5; i >= 0; i--) {
      let leak = (this.bl[i]! * 255) >> 8;
      if (dq !== 0) leak += (this.dlt[i]! ^ dq) < 0 ? -128 : 128;
      this.bl[i] = leak;
    }
    for (let i = 5; i > 0; i--) this.dlt[i] = this.dlt[i - 1]!;
    this.dlt[0] = sat16(dq * 2);
    let sz = 0;
    for (let i = 5; i >= 0; i--) sz += (this.bl[i]! * this.dlt[i]!) >> 15;
    this.sz = sz;
    const rlt = sat16((this.s + dq) * 2);
    this.s = sat16(sz + ((this.al0 * rlt) >> 15) + ((this.al1 * this.rlt1) >> 15));
    this.rlt1 = rlt;
  }
  scale(x: number): number {
    const wd1 = ILB[(x >> 6) & 31]!;
    const shift = x >> 11;
    return shift < 0 ? wd1 >> -shift : wd1 << shift;
  }
  updateLow(il4: number): void {
    this.adapt((this.det * QQ4[il4]!) >> 10);
    this.nb = clamp(((this.nb * 127) >> 7) + WL[il4]!, 0, 18432);
    this.det = this.scale(this.nb - (8 << 11));
  }
  updateHigh(dh: number, ih: number): void {
    this.adapt(dh);
    this.nb = clamp(((this.nb * 127) >> 7) + WH[ih & 1]!, 0, 22528);
    this.det = this.scale(this.nb - (10 << 11));
  }
}

class Qmf {
  hist = new Int32Array(24);
  odd = 0;
  even = 0;
  push(a: number, b: number): void {
    const h = this.hist;
    h.copyWithin(0, 2);
    h[22] = a;
    h[23] = b;
    let e = 0;
    let o = 0;
    for (let i = 0; i < 12; i++) {
      e += h[2 * i]! * QMF[i]!;
      o += h[2 * i + 1]! * QMF[11 - i]!;
    }
    this.odd = o;
    this.even = e;
  }
}

export class G722EncoderJs {
  #lo = new Band(8);
  #hi = new Band(2);
  #qmf = new Qmf();
  encode(pcm: Int16Array, out: Uint8Array): void {
    const lo = this.#lo;
    const hi = this.#hi;
    for (let k = 0; k + 1 < pcm.length; k += 2) {
      const q = this.#qmf;
      q.push(pcm[k]!, pcm[k + 1]!);
      const odd = q.odd;
      const even = q.even;
      const xl = (odd + even) >> 14;
      const xh = (odd - even) >> 14;
      const eh = sat16(xh - hi.s);
      const mh = eh >= 0 ? eh : ~eh;
      const ih = (mh < (141 * hi.det) >> 8 ? 1 : 0) + (eh >= 0 ? 2 : 0);
      const el = sat16(xl - lo.s);
      const scaled = ((el >= 0 ? el : ~el) + 1) << 10;
      let i = 0;
      while (i < 29 && scaled > Q6[i]! * lo.det) i++;
      const il = (el < 0 ? (i < 2 ? 63 : 33) : 61) - i;
      hi.updateHigh((hi.det * QQ2[ih]!) >> 10, ih);
      lo.updateLow(il >> 2);
      out[k >> 1] = (ih << 6) | il;
    }
  }
}

export class G722DecoderJs {
  #lo = new Band(8);
  #hi = new Band(2);
  #qmf = new Qmf();
  decode(code: Uint8Array, out: Int16Array): void {
    const lo = this.#lo;
    const hi = this.#hi;
    for (let k = 0; k < code.length; k++) {
      const ih = code[k]! >> 6;
      const il = code[k]! & 63;
      const rl = clamp(((lo.det * QQ6[il]!) >> 10) + lo.s, -16384, 16383);
      lo.updateLow(il >> 2);
      const dh = (hi.det * QQ2[ih]!) >> 10;
      const rh = clamp(dh + hi.s, -16384, 16383);
      hi.updateHigh(dh, ih);
      const q = this.#qmf;
      q.push(rl + rh, rl - rh);
      out[2 * k] = sat16(q.odd >> 11);
      out[2 * k + 1] = sat16(q.even >> 11);
    }
  }
}
