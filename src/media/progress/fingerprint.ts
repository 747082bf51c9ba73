/**
 * Band-energy sign fingerprints (after Haitsma & Kalker's audio hashing): for each 20 ms hop,
 * bit b is the sign of the change over time of the energy difference between bands b and b+1.
 * The bits depend on spectral shape only, so they survive level changes and G.711 coding, and
 * carry no notion of language: a platform's fixed prompt recording matches itself.
 */
import { BAND_COUNT, SpectrumAnalyzer } from './spectrum.js';
import type { SignalPrimitives } from './primitives.js';

export const FP_BITS = BAND_COUNT - 1;
const FRAME_MS = 20;

/** Fingerprint bits of one frame from this and the previous frame's band energies (dB). */
export function fingerprintBits(cur: Float64Array, prev: Float64Array): number {
  let bits = 0;
  for (let b = 0; b < FP_BITS; b++) {
    const d = cur[b]! - cur[b + 1]! - (prev[b]! - prev[b + 1]!);
    if (d > 0) bits |= 1 << b;
  }
  return bits;
}

/**
 * Mask of the bits whose band-difference change is at least `minDb`: a bit decided by a smaller
 * change flips under coding noise, so the reference does not count it.
 */
export function reliableBits(
  cur: Float64Array,
  prev: Float64Array,
  minDb: number,
  bandFloorDb = -Infinity,
): number {
  let mask = 0;
  for (let b = 0; b < FP_BITS; b++) {
    const d = cur[b]! - cur[b + 1]! - (prev[b]! - prev[b + 1]!);
    // Bands near the floor are where line noise decides the bit on the live side.
    const lowest = Math.min(cur[b]!, cur[b + 1]!, prev[b]!, prev[b + 1]!);
    if ((d >= minDb || d <= -minDb) && lowest >= bandFloorDb) mask |= 1 << b;
  }
  return mask;
}

const POP = new Uint8Array(1 << FP_BITS);
for (let i = 1; i < POP.length; i++) POP[i] = (i & 1) + POP[i >> 1]!;

/** Number of differing bits between two frame fingerprints. */
export function bitErrors(a: number, b: number): number {
  return POP[(a ^ b) & 0xffff]!;
}

/** Number of set bits of a 16-bit mask. */
export function bitCount(mask: number): number {
  return POP[mask & 0xffff]!;
}

/** One rendering of a reference, analysed from `shiftMs` into the recording. */
export interface ReferencePhase {
  shiftMs: number;
  bits: Uint16Array;
  /** Bits compared per frame: reliable bits of sounding frames (silent frames compare none). */
  mask: Uint16Array;
}

export interface FingerprintReference {
  id: string;
  /** What the recording is: `prompt`, `invalid`, `busy`, `noAnswer`, `error` or the profile's own word. */
  label: string;
  durationMs: number;
  phases: ReferencePhase[];
}

export interface ReferenceOptions {
  /** Frames quieter than this are not compared (dBov). Default -50. */
  activeFloorDb?: number;
  /** Frames more than this below the loudest frame are not compared. Default 35 dB. */
  activeRangeDb?: number;
  /** Analysis offsets into the recording, ms; live frames land within half a step of one. */
  phaseShiftsMs?: readonly number[];
  /** Bits decided by a smaller band-difference change are not compared (default 2 dB). */
  reliableDb?: number;
  /** Bits that involve a band quieter than this are not compared, dBov (default -75; bands read 6 dB low through the taper). */
  bandFloorDb?: number;
}

export type ReferenceError = {
  code: 'reference_too_short' | 'reference_silent' | 'bad_sample_rate';
  message: string;
};

/** Longest reference accepted (bounds the matcher's per-frame work). */
export const MAX_REFERENCE_MS = 30_000;

/**
 * Builds a reference from PCM (8 or 16 kHz). Live audio may be at the other rate: both are
 * analysed on the same probe grid, so fingerprints agree.
 */
export function buildReference(
  id: string,
  label: string,
  pcm: Int16Array,
  sampleRate: number,
  prims: SignalPrimitives,
  opts: ReferenceOptions = {},
): { ok: true; value: FingerprintReference } | { ok: false; error: ReferenceError } {
  if (sampleRate !== 8000 && sampleRate !== 16000) {
    return {
      ok: false,
      error: { code: 'bad_sample_rate', message: `sample rate ${sampleRate}: 8000 or 16000 only` },
    };
  }
  const frame = (sampleRate / 1000) * FRAME_MS;
  const maxSamples = (sampleRate / 1000) * MAX_REFERENCE_MS;
  const samples = pcm.length > maxSamples ? pcm.subarray(0, maxSamples) : pcm;
  const frames = Math.floor(samples.length / frame) - 1;
  if (frames < 10) {
    return { ok: false, error: { code: 'reference_too_short', message: `${id}: under 200 ms of audio` } };
  }
  const floorDb = opts.activeFloorDb ?? -50;
  const rangeDb = opts.activeRangeDb ?? 35;
  const shifts = opts.phaseShiftsMs ?? [0, 2.5, 5, 7.5, 10, 12.5, 15, 17.5];
  const reliableDb = opts.reliableDb ?? 2;
  const bandFloorDb = opts.bandFloorDb ?? -75;
  const phases: ReferencePhase[] = [];
  for (const shiftMs of shifts) {
    const start = Math.round((shiftMs * sampleRate) / 1000);
    const n = Math.floor((samples.length - start) / frame) - 1;
    if (n < 10) continue;
    const spec = new SpectrumAnalyzer(prims, sampleRate, -200);
    const bits = new Uint16Array(n);
    const mask = new Uint16Array(n);
    const energy = new Float64Array(n);
    const prev = new Float64Array(BAND_COUNT);
    let peak = -Infinity;
    for (let i = 0; i <= n; i++) {
      const s = spec.push(samples.subarray(start + i * frame, start + (i + 1) * frame));
      if (i > 0) {
        bits[i - 1] = fingerprintBits(s.bandDb, prev);
        mask[i - 1] = reliableBits(s.bandDb, prev, reliableDb, bandFloorDb);
        energy[i - 1] = s.windowDb;
        peak = Math.max(peak, s.windowDb);
      }
      prev.set(s.bandDb);
    }
    for (let i = 0; i < n; i++) if (energy[i]! < floorDb || energy[i]! < peak - rangeDb) mask[i] = 0;
    phases.push({ shiftMs: shiftMs + FRAME_MS, bits, mask });
  }
  if (phases.length === 0 || phases.every((p) => p.mask.every((a) => a === 0))) {
    return {
      ok: false,
      error: { code: 'reference_silent', message: `${id}: no frame above ${floorDb} dBov` },
    };
  }
  return { ok: true, value: { id, label, durationMs: (samples.length * 1000) / sampleRate, phases } };
}
