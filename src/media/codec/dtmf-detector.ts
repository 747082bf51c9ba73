/**
 * In-band DTMF detection on 8 or 16 kHz streams, with state across frames (see
 * native/src/dtmf_detector.h for the method). Accepts ±1.5 % frequency deviation and rejects
 * ±3.5 % (limit 2 %), twist up to 8 dB normal / 4 dB reverse (limits 8.5 / 4.5 dB), each tone
 * from -42 dBov (about -36 dBm0), the two tones holding at least 85 % of the power; reports a key
 * once per press, 20-30 ms into a tone of 40 ms or more (20 ms tones are ignored); a 40 ms gap
 * separates presses, a 10 ms drop-out does not.
 */
import { checkInt16, checkOneOf, checkOptions, CodecClosedError } from './check.js';
import { DTMF_SAMPLE_RATES, type DtmfSampleRate } from './dtmf-generator.js';
import type { MediaLogger } from './logger.js';
import { native, type NativeDtmfDetector, type NativeDtmfWindow } from './native.js';

export interface DtmfDetectorOptions {
  sampleRate: DtmfSampleRate;
  /** Debug log per detected key. */
  logger?: MediaLogger;
}

/** The analysis of the last 20 ms window (diagnostics). */
export type DtmfWindow = NativeDtmfWindow;

export class DtmfDetector {
  readonly sampleRate: DtmfSampleRate;
  #h: NativeDtmfDetector | null;
  readonly #logger: MediaLogger | undefined;
  #samples = 0;

  constructor(options: DtmfDetectorOptions) {
    const fn = 'new DtmfDetector';
    checkOptions(fn, options);
    if (options === undefined) throw new TypeError(`${fn}: options must be an object`);
    checkOneOf(fn, 'sampleRate', options.sampleRate, DTMF_SAMPLE_RATES);
    this.sampleRate = options.sampleRate;
    this.#logger = options.logger;
    this.#h = new (native().DtmfDetector)(options.sampleRate);
  }

  /** Consumes samples; returns the keys that started in them ('' almost always). */
  process(samples: Int16Array): string {
    const h = this.#live();
    checkInt16('DtmfDetector.process', 'samples', samples);
    const keys = h.process(samples);
    this.#samples += samples.length;
    if (keys !== '' && this.#logger) {
      this.#logger.debug('dtmf: key detected', {
        keys,
        atMs: Math.round((this.#samples * 1000) / this.sampleRate),
      });
    }
    return keys;
  }

  lastWindow(): DtmfWindow {
    return this.#live().lastWindow();
  }

  reset(): void {
    this.#live().reset();
    this.#samples = 0;
  }

  close(): void {
    this.#h?.close();
    this.#h = null;
  }

  get closed(): boolean {
    return this.#h === null;
  }

  #live(): NativeDtmfDetector {
    if (this.#h === null) throw new CodecClosedError('DtmfDetector');
    return this.#h;
  }
}
