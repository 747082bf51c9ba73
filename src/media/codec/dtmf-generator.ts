/**
 * DTMF tone generation (ITU-T Q.23 frequency pairs) into 8 or 16 kHz frames. Queued keys play in
 * order, each as a tone then a gap. Defaults: 100 ms tone, 100 ms gap, low group -10 dBm0 and high
 * group -8 dBm0 (2 dB pre-emphasis, as Q.23 asks the high group to be the louder; both well inside
 * the transmit range, and their sum peaks at half of full scale so nothing clips).
 */
import { checkInt16, checkNumber, checkOneOf, checkOptions, CodecClosedError } from './check.js';
import { native, type NativeDtmfGenerator } from './native.js';

/** The 16 DTMF keys. */
export const DTMF_KEYS = '0123456789*#ABCD';
export const DTMF_SAMPLE_RATES = [8000, 16000] as const;
export type DtmfSampleRate = (typeof DTMF_SAMPLE_RATES)[number];
/** Most keys waiting in one generator's queue. */
export const DTMF_MAX_QUEUE = 256;

export interface DtmfGeneratorOptions {
  /** 8000 (default) or 16000. */
  sampleRate?: DtmfSampleRate;
  /** Tone length, 10..10000 ms (default 100; ITU-T Q.24 receivers need at least 40). */
  toneMs?: number;
  /** Silence after each tone, 0..10000 ms (default 100). */
  gapMs?: number;
  /** Low-group level, -40..-3 dBm0 (default -10). */
  lowDbm0?: number;
  /** High-group level, -40..-3 dBm0 (default -8). */
  highDbm0?: number;
}

export const DTMF_GENERATOR_DEFAULTS = {
  sampleRate: 8000,
  toneMs: 100,
  gapMs: 100,
  lowDbm0: -10,
  highDbm0: -8,
} as const satisfies Required<DtmfGeneratorOptions>;

export class DtmfGenerator {
  readonly sampleRate: DtmfSampleRate;
  #h: NativeDtmfGenerator | null;

  constructor(options?: DtmfGeneratorOptions) {
    const fn = 'new DtmfGenerator';
    checkOptions(fn, options);
    const o = { ...DTMF_GENERATOR_DEFAULTS, ...options };
    checkOneOf(fn, 'sampleRate', o.sampleRate, DTMF_SAMPLE_RATES);
    checkNumber(fn, 'toneMs', o.toneMs, 10, 10000);
    checkNumber(fn, 'gapMs', o.gapMs, 0, 10000);
    checkNumber(fn, 'lowDbm0', o.lowDbm0, -40, -3);
    checkNumber(fn, 'highDbm0', o.highDbm0, -40, -3);
    if (!Number.isInteger(o.toneMs) || !Number.isInteger(o.gapMs)) {
      throw new RangeError(`${fn}: toneMs and gapMs must be integers`);
    }
    this.sampleRate = o.sampleRate;
    this.#h = new (native().DtmfGenerator)(o.sampleRate, o.toneMs, o.gapMs, o.lowDbm0, o.highDbm0);
  }

  /** Queues keys (0-9 * # A-D; a-d accepted). Throws RangeError, queuing nothing, on a bad key or overflow. */
  queue(keys: string): void {
    const h = this.#live();
    if (typeof keys !== 'string') throw new TypeError('DtmfGenerator.queue: keys must be a string');
    const up = keys.toUpperCase();
    for (let i = 0; i < up.length; i++) {
      if (!DTMF_KEYS.includes(up[i]!)) {
        throw new RangeError(
          `DtmfGenerator.queue: keys[${i}] (${JSON.stringify(keys[i])}) is not a DTMF key`,
        );
      }
    }
    if (up.length > DTMF_MAX_QUEUE - h.pending() || !h.queue(up)) {
      throw new RangeError(`DtmfGenerator.queue: at most ${DTMF_MAX_QUEUE} keys may wait`);
    }
  }

  /**
   * Fills all of `dst` with the next samples (silence once the queue is done) and returns how
   * many of them belonged to a tone or gap: less than dst.length means the queue ran out.
   */
  generate(dst: Int16Array): number {
    const h = this.#live();
    checkInt16('DtmfGenerator.generate', 'dst', dst);
    return h.generate(dst);
  }

  /** Keys not finished yet, counting the one playing. */
  get pending(): number {
    return this.#live().pending();
  }

  /** Drops the queue and any key in progress. */
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

  #live(): NativeDtmfGenerator {
    if (this.#h === null) throw new CodecClosedError('DtmfGenerator');
    return this.#h;
  }
}
