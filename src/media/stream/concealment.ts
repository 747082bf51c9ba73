/**
 * Packet loss concealment for decoded audio: a lost packet is replaced by the last pitch-length
 * stretch of good audio repeated (the idea of ITU-T G.711 Appendix I, without its pitch search
 * refinements), faded out over `fadeMs` so a burst of loss decays into silence instead of
 * buzzing; the first good packet after a loss is faded in over 2.5 ms to avoid a click.
 * The last good packet is kept whole (one native copy per packet, nothing allocated); the
 * repeated stretch is its last `periodMs`.
 */
export class Concealer {
  private last: Int16Array;
  private lastLength = 0;
  private readonly period: number;
  /** Position in the repeated stretch, and samples concealed in the current loss run. */
  private phase = 0;
  private concealedRun = 0;
  private readonly fadeSamples: number;
  private readonly rampSamples: number;
  private rampLeft = 0;
  /** Samples concealed in total (stats). */
  concealedSamples = 0;

  constructor(
    readonly sampleRate: number,
    fadeMs = 60,
    /** Repetition period: 10 ms holds a low voice's pitch period or two. */
    periodMs = 10,
  ) {
    this.period = Math.round((sampleRate * periodMs) / 1000);
    this.last = new Int16Array(Math.max(this.period, sampleRate / 50));
    this.fadeSamples = Math.round((sampleRate * fadeMs) / 1000);
    this.rampSamples = Math.round(sampleRate / 400);
  }

  /** Good audio went out: remember it, and fade it in after a loss (in place). */
  good(pcm: Int16Array, n: number): void {
    if (this.concealedRun > 0) {
      this.concealedRun = 0;
      this.rampLeft = this.rampSamples;
    }
    for (let i = 0; i < n && this.rampLeft > 0; i++, this.rampLeft--) {
      pcm[i] = Math.round(((pcm[i] as number) * (this.rampSamples - this.rampLeft)) / this.rampSamples);
    }
    if (n === pcm.length && n <= this.last.length) {
      this.last.set(pcm);
    } else {
      if (n > this.last.length) this.last = new Int16Array(n);
      for (let i = 0; i < n; i++) this.last[i] = pcm[i] as number;
    }
    this.lastLength = n;
    this.phase = 0;
  }

  /** Writes `n` concealment samples into `dst`. */
  conceal(dst: Int16Array, n: number): void {
    this.concealedSamples += n;
    const period = Math.min(this.period, this.lastLength);
    if (period === 0) {
      dst.fill(0, 0, n);
      this.concealedRun += n;
      return;
    }
    const start = this.lastLength - period;
    const h = this.last;
    let p = this.phase;
    for (let i = 0; i < n; i++) {
      const k = this.concealedRun + i;
      const gain = k >= this.fadeSamples ? 0 : 1 - k / this.fadeSamples;
      dst[i] = Math.round((h[start + p] as number) * gain);
      if (++p === period) p = 0;
    }
    this.phase = p;
    this.concealedRun += n;
  }

  reset(): void {
    this.lastLength = 0;
    this.phase = 0;
    this.concealedRun = 0;
    this.rampLeft = 0;
  }
}
