/**
 * Channel audio → 16 kHz for the wideband PocketSphinx model (en-us is trained on 16 kHz
 * speech). 16 kHz passes through; other rates go through the codec addon's Resampler. Telephone
 * audio (8 kHz) leaves 4-8 kHz empty, which the model reads as a strong mismatch; we add a
 * mirrored image of 0-4 kHz there at `mirrorGain` (crude bandwidth extension: zero-stuffed
 * samples minus the interpolated ones are exactly that image). Measured on espeak-ng yes/no and
 * digits through 8 kHz: 43 of 72 utterances right with the image at 0.3, 19 of 72 without.
 *
 * A DC blocker (one-pole high-pass, ~6 Hz) runs first: G.711 silence decodes to a constant
 * (A-law +8), whose image is a tone at 8 kHz that PocketSphinx decoded as noise words in front
 * of the speech — 200 ms of A-law silence before "yes" turned a match into no-match.
 */
import { Resampler, RESAMPLER_RATES, type SampleRate } from '../../../media/index.js';

export class ToWideband {
  private readonly resampler: Resampler | undefined;
  private readonly delayLine: Float32Array;
  private pos = 0;
  private readonly input: Int16Array;
  private lastIn = 0;
  private lastOut = 0;

  constructor(
    readonly fromHz: number,
    private readonly mirrorGain = 0.3,
  ) {
    this.input = new Int16Array((fromHz / 1000) * 20);
    if (fromHz === 16000) {
      this.resampler = undefined;
      this.delayLine = new Float32Array(0);
      return;
    }
    if (!(RESAMPLER_RATES as readonly number[]).includes(fromHz))
      throw new RangeError(`rate ${fromHz} Hz not supported`);
    this.resampler = new Resampler(fromHz as SampleRate, 16000);
    // The zero-stuffed signal must line up with the filter's output: delay it by the group delay.
    this.delayLine = new Float32Array(fromHz === 8000 ? this.resampler.delay * 2 : 0);
  }

  /** y[n] = x[n] − x[n−1] + 0.995·y[n−1]: removes DC, keeps speech (cut-off ≈ 6 Hz at 8 kHz). */
  private unbiased(frame: Int16Array): Int16Array {
    const out = frame.length === this.input.length ? this.input : new Int16Array(frame.length);
    let x1 = this.lastIn;
    let y1 = this.lastOut;
    for (let i = 0; i < frame.length; i++) {
      const x = frame[i] as number;
      y1 = x - x1 + 0.995 * y1;
      x1 = x;
      out[i] = y1 > 32767 ? 32767 : y1 < -32768 ? -32768 : Math.round(y1);
    }
    this.lastIn = x1;
    this.lastOut = y1;
    return out;
  }

  /** Converts one frame; returns a fresh array. */
  process(input: Int16Array): Int16Array {
    const frame = this.unbiased(input);
    const r = this.resampler;
    if (!r) return frame.slice();
    const out = new Int16Array(r.maxOutputLength(frame.length));
    const n = r.process(frame, out);
    const y = out.subarray(0, n);
    if (this.fromHz !== 8000 || this.mirrorGain === 0 || n !== frame.length * 2) return y;
    const g = this.mirrorGain;
    const d = this.delayLine;
    for (let i = 0; i < n; i++) {
      const stuffed = (i & 1) === 0 ? 2 * (frame[i >> 1] as number) : 0;
      let delayed = stuffed;
      if (d.length > 0) {
        delayed = d[this.pos] as number;
        d[this.pos] = stuffed;
        this.pos = this.pos + 1 === d.length ? 0 : this.pos + 1;
      }
      const v = (1 - g) * (y[i] as number) + g * delayed;
      y[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
    }
    return y;
  }

  close(): void {
    this.resampler?.close();
  }
}
