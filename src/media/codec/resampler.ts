/**
 * Streaming sample-rate conversion between 8, 16, 22.05, 24, 44.1 and 48 kHz: a polyphase FIR whose
 * prototype is a Kaiser-windowed sinc (design: passband to 0.85 × the lower Nyquist frequency,
 * stopband from that Nyquist frequency, 75 dB). Measured for every pair (native test): passband
 * ripple 0.003 dB peak to peak, stopband attenuation 74.9 dB or more; group delay 3.9 ms for pairs
 * with 8 kHz, 0.7-2 ms for the others. One object per stream and direction: its history makes
 * frame-by-frame output identical to resampling the whole signal at once. The last `delay` input
 * samples of a stream stay inside the filter (feed silence to flush them).
 */
import { checkCapacity, checkInt16, checkOneOf, CodecClosedError } from './check.js';
import { native, type NativeResampler } from './native.js';

export const RESAMPLER_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;
export type SampleRate = (typeof RESAMPLER_RATES)[number];

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export class Resampler {
  readonly fromHz: SampleRate;
  readonly toHz: SampleRate;
  /** Output rate = input rate × up / down. */
  readonly up: number;
  readonly down: number;
  /** Group delay of the filter, in input samples. */
  readonly delay: number;
  #h: NativeResampler | null;

  constructor(fromHz: SampleRate, toHz: SampleRate) {
    checkOneOf('new Resampler', 'fromHz', fromHz, RESAMPLER_RATES);
    checkOneOf('new Resampler', 'toHz', toHz, RESAMPLER_RATES);
    this.fromHz = fromHz;
    this.toHz = toHz;
    const g = gcd(fromHz, toHz);
    this.up = toHz / g;
    this.down = fromHz / g;
    this.#h = new (native().Resampler)(fromHz, toHz);
    this.delay = this.#h.info().delay;
  }

  /** Most samples process() can write for `inputLength` input samples (exact for 20 ms frames). */
  maxOutputLength(inputLength: number): number {
    return Math.ceil((inputLength * this.up) / this.down);
  }

  /** Consumes `src`; writes the samples now due into `dst` (see maxOutputLength); returns their count. */
  process(src: Int16Array, dst: Int16Array): number {
    const h = this.#live();
    checkInt16('Resampler.process', 'src', src);
    checkInt16('Resampler.process', 'dst', dst);
    checkCapacity('Resampler.process', 'dst', dst.length, this.maxOutputLength(src.length));
    return h.process(src, dst);
  }

  reset(): void {
    this.#live().reset();
  }

  close(): void {
    this.#h?.close();
    this.#h = null;
  }

  get closed(): boolean {
    return this.#h === null;
  }

  #live(): NativeResampler {
    if (this.#h === null) throw new CodecClosedError('Resampler');
    return this.#h;
  }
}
