/**
 * Signal levels in dBov: relative to the overload point of 16-bit PCM, so a full-scale square
 * wave is 0 dBov and a full-scale sine -3.01 dBov (ITU-T G.100.1). A sine of L dBm0 (G.711 A-law
 * reference, +3.14 dBm0 at full scale) is L + DBM0_TO_DBOV dBov.
 */
import { checkFloat64, checkInt16, checkNumber } from './check.js';
import { native } from './native.js';

/** Level reported for digital silence (the lowest level RFC 6464 can carry). */
export const DBOV_FLOOR = -127;
/** Add to a level in dBm0 to get dBov. */
export const DBM0_TO_DBOV = -6.15;
/** Most frequencies one toneLevelsDbov() call measures. */
export const MAX_TONE_FREQS = 64;

/** Mean power of the frame in dBov (never below DBOV_FLOOR). */
export function frameEnergyDbov(samples: Int16Array): number {
  checkInt16('frameEnergyDbov', 'samples', samples);
  return native().frame_energy_dbov(samples);
}

// One reusable Float64Array per frequency count, so steady per-frame calls allocate nothing.
const freqScratch: Float64Array[] = [];

/**
 * Goertzel level of each frequency in dBov over the whole frame, written into `out` (out[i] for
 * freqsHz[i]): the level of a pure sine of that frequency with the measured amplitude. Each
 * frequency must lie strictly between 0 and sampleRate / 2.
 */
export function toneLevelsDbov(
  samples: Int16Array,
  sampleRate: number,
  freqsHz: readonly number[],
  out: Float64Array,
): void {
  const fn = 'toneLevelsDbov';
  checkInt16(fn, 'samples', samples);
  checkNumber(fn, 'sampleRate', sampleRate, 1000, 192000);
  if (!Array.isArray(freqsHz)) throw new TypeError(`${fn}: freqsHz must be an array of numbers`);
  const n = freqsHz.length;
  if (n === 0 || n > MAX_TONE_FREQS)
    throw new RangeError(`${fn}: freqsHz must hold 1..${MAX_TONE_FREQS} frequencies`);
  checkFloat64(fn, 'out', out);
  if (out.length < n) throw new RangeError(`${fn}: out must hold at least ${n} elements (has ${out.length})`);
  let f = freqScratch[n];
  if (f === undefined) freqScratch[n] = f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hz: unknown = freqsHz[i];
    if (typeof hz !== 'number') throw new TypeError(`${fn}: freqsHz[${i}] must be a number`);
    if (!(hz > 0 && hz < sampleRate / 2)) {
      throw new RangeError(`${fn}: freqsHz[${i}] must be above 0 and below sampleRate / 2 (got ${hz})`);
    }
    f[i] = hz;
  }
  native().tone_levels_dbov(samples, sampleRate, f, out);
}
