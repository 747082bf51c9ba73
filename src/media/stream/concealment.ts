/**
 * Packet loss concealment for decoded audio: a lost packet is replaced by the last pitch-length
 * stretch of good audio repeated (the idea of ITU-T G.711 Appendix I, without its pitch search
 * refinements), faded out over `fadeMs` so a burst of loss decays into silence instead of
 * buzzing; the first good packet after a loss is faded in over 2.5 ms to avoid a click.
 */
export class Concealer {
  private readonly history: Int16Array;
  private filled = 0;
  private pos = 0;
  /** Samples concealed in the current loss run. */
  private concealedRun = 0;
  private readonly fadeSamples: number;
  private readonly rampSamples: number;
  private rampLeft = 0;
  /** Frames concealed in total (stats). */
  concealedSamples = 0;

  constructor(
    readonly sampleRate: number,
    fadeMs = 60,
    /** Repetition period: 10 ms holds a low voice's pitch period or two. */
    periodMs = 10,
  ) {
    this.history = new Int16Array(Math.round((sampleRate * periodMs) / 1000));
    this.fadeSamples = Math.round((sampleRate * fadeMs) / 1000);
    this.rampSamples = Math.round(sampleRate / 400);
  }

  /** Good audio went out: remember its tail, and fade it in after a loss (in place). */
  good(pcm: Int16Array, n: number): void {
    if (this.concealedRun > 0) {
      this.concealedRun = 0;
      this.rampLeft = this.rampSamples;
    }
    for (let i = 0; i < n && this.rampLeft > 0; i++, this.rampLeft--) {
      pcm[i] = Math.round(((pcm[i] as number) * (this.rampSamples - this.rampLeft)) / this.rampSamples);
    }
    const h = this.history;
    const take = Math.min(n, h.length);
    // Keep the last `take` samples, oldest first, in a ring starting at `pos`.
    for (let i = n - take; i < n; i++) {
      h[this.pos] = pcm[i] as number;
      if (++this.pos === h.length) this.pos = 0;
    }
    this.filled = Math.min(h.length, this.filled + take);
  }

  /** Writes `n` concealment samples into `dst`. */
  conceal(dst: Int16Array, n: number): void {
    const h = this.history;
    this.concealedSamples += n;
    if (this.filled < h.length) {
      dst.fill(0, 0, n);
      this.concealedRun += n;
      return;
    }
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const k = this.concealedRun + i;
      const gain = k >= this.fadeSamples ? 0 : 1 - k / this.fadeSamples;
      dst[i] = Math.round((h[p] as number) * gain);
      if (++p === h.length) p = 0;
    }
    this.pos = p;
    this.concealedRun += n;
  }

  reset(): void {
    this.filled = 0;
    this.pos = 0;
    this.concealedRun = 0;
    this.rampLeft = 0;
  }
}
