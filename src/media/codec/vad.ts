/**
 * Energy voice-activity detector with onset delay and hangover, for barge-in ("speech" starts) and
 * prompt-end detection ("silence" after the hangover). A frame counts as speech when its energy is
 * at least thresholdDbov and marginDb above a noise floor that the first frame seeds, that follows
 * quieter frames at once and louder ones at floorRiseDbPerS. States (native/src/vad.h has the
 * diagram):
 *   silence -> onset (speech frame) -> speech (after onsetMs) -> hangover (quiet frame)
 *   -> silence (after hangoverMs quiet) | speech (speech frame); onset -> silence (quiet frame).
 */
import {
  checkInt16,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  CodecClosedError,
} from './check.js';
import type { MediaLogger } from './logger.js';
import { native, type NativeVad } from './native.js';
import { RESAMPLER_RATES, type SampleRate } from './resampler.js';

export const VAD_STATES = ['silence', 'onset', 'speech', 'hangover'] as const;
export type VadState = (typeof VAD_STATES)[number];

export interface VadOptions {
  sampleRate: SampleRate;
  /** Absolute floor for speech, -96..0 dBov (default -45). */
  thresholdDbov?: number;
  /** Speech must be this far above the noise floor, 0..60 dB (default 10). */
  marginDb?: number;
  /** Speech frames needed before "speech", 0..5000 ms (default 40). */
  onsetMs?: number;
  /** Quiet time before "silence" again, 0..10000 ms (default 400). */
  hangoverMs?: number;
  /** How fast the noise floor rises towards a louder background, 0..100 dB/s (default 6). */
  floorRiseDbPerS?: number;
  /** Debug log per state transition. */
  logger?: MediaLogger;
}

export const VAD_DEFAULTS = {
  thresholdDbov: -45,
  marginDb: 10,
  onsetMs: 40,
  hangoverMs: 400,
  floorRiseDbPerS: 6,
} as const;

export class Vad {
  readonly sampleRate: SampleRate;
  #h: NativeVad | null;
  #state: VadState = 'silence';
  readonly #logger: MediaLogger | undefined;

  constructor(options: VadOptions) {
    const fn = 'new Vad';
    checkOptions(fn, options);
    if (options === undefined) throw new TypeError(`${fn}: options must be an object`);
    const o = { ...VAD_DEFAULTS, ...options };
    checkOneOf(fn, 'sampleRate', o.sampleRate, RESAMPLER_RATES);
    checkNumber(fn, 'thresholdDbov', o.thresholdDbov, -96, 0);
    checkNumber(fn, 'marginDb', o.marginDb, 0, 60);
    checkInteger(fn, 'onsetMs', o.onsetMs, 0, 5000);
    checkInteger(fn, 'hangoverMs', o.hangoverMs, 0, 10000);
    checkNumber(fn, 'floorRiseDbPerS', o.floorRiseDbPerS, 0, 100);
    this.sampleRate = o.sampleRate;
    this.#logger = o.logger;
    this.#h = new (native().Vad)(
      o.sampleRate,
      o.thresholdDbov,
      o.marginDb,
      o.onsetMs,
      o.hangoverMs,
      o.floorRiseDbPerS,
    );
  }

  /** Classifies one frame (any length; 20 ms usual) and returns the state after it. */
  process(frame: Int16Array): VadState {
    const h = this.#live();
    checkInt16('Vad.process', 'frame', frame);
    const next = VAD_STATES[h.process(frame)] ?? 'silence';
    if (next !== this.#state) {
      this.#logger?.debug(`vad: ${this.#state} -> ${next}`, { energyDbov: h.energyDbov() });
      this.#state = next;
    }
    return next;
  }

  get state(): VadState {
    return this.#state;
  }

  /** True in "speech" and "hangover". */
  get speaking(): boolean {
    return this.#state === 'speech' || this.#state === 'hangover';
  }

  /** Energy of the last frame, dBov. */
  energyDbov(): number {
    return this.#live().energyDbov();
  }

  noiseFloorDbov(): number {
    return this.#live().noiseFloorDbov();
  }

  reset(): void {
    this.#live().reset();
    this.#state = 'silence';
  }

  close(): void {
    this.#h?.close();
    this.#h = null;
  }

  get closed(): boolean {
    return this.#h === null;
  }

  #live(): NativeVad {
    if (this.#h === null) throw new CodecClosedError('Vad');
    return this.#h;
  }
}
