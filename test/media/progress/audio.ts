/**
 * Test audio helpers: fixtures, synthesis (sines, cadences, noise), level changes and G.711
 * round trips (a test-only encoder/decoder after ITU-T G.711; the daemon uses the codec addon).
 */
import { readFileSync } from 'node:fs';
import {
  CallProgressAnalyzer,
  readWav,
  type ProgressAnalyzerOptions,
  type ProgressEvent,
} from '../../../src/media/progress/index.js';
import { referencePrimitives } from './reference-primitives.js';

/** test/fixtures/dialing, from dist/test/media/progress. */
export const FIXTURES = new URL('../../../../test/fixtures/dialing/', import.meta.url);

export function fixture(name: string): { sampleRate: number; samples: Int16Array } {
  const r = readWav(readFileSync(new URL(name, FIXTURES)));
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
}

export function pcm(name: string): Int16Array {
  return fixture(name).samples;
}

export function silence(ms: number, rate = 8000): Int16Array {
  return new Int16Array((ms * rate) / 1000);
}

/** Sum of sines (each at `dbov` RMS) for `ms`. */
export function tone(freqs: readonly number[], ms: number, dbov = -15, rate = 8000, phase = 0): Int16Array {
  const n = Math.round((ms * rate) / 1000);
  const amp = Math.SQRT2 * 32768 * Math.pow(10, dbov / 20);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (const f of freqs) v += amp * Math.sin((2 * Math.PI * f * i) / rate + phase);
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}

/** `cycles` repetitions of on/off of a single tone. */
export function cadence(
  freq: number,
  onMs: number,
  offMs: number,
  cycles: number,
  dbov = -15,
  rate = 8000,
): Int16Array {
  const parts: Int16Array[] = [];
  for (let c = 0; c < cycles; c++) parts.push(tone([freq], onMs, dbov, rate), silence(offMs, rate));
  return concat(...parts);
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Deterministic pseudo-random generator (tests must repeat). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** Adds white noise at `dbov` RMS. */
export function addNoise(x: Int16Array, dbov: number, seed = 7): Int16Array {
  const r = rng(seed);
  const amp = 32768 * Math.pow(10, dbov / 20) * Math.sqrt(3);
  return x.map((v) => Math.max(-32768, Math.min(32767, Math.round(v + (r() * 2 - 1) * amp))));
}

export function gain(x: Int16Array, db: number): Int16Array {
  const g = Math.pow(10, db / 20);
  return x.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * g))));
}

/** Delays by a whole number of samples (sub-frame offsets test the fingerprint phases). */
export function delay(x: Int16Array, samples: number): Int16Array {
  return concat(new Int16Array(samples), x);
}

function alawEncode(pcmv: number): number {
  let v = pcmv >> 3;
  let mask = 0xd5;
  if (v < 0) {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff].findIndex((end) => v <= end);
  if (seg < 0) return 0x7f ^ mask;
  const a = (seg << 4) | ((seg < 2 ? v >> 1 : v >> seg) & 0x0f);
  return a ^ mask;
}

function alawDecode(a: number): number {
  const v = a ^ 0x55;
  const seg = (v & 0x70) >> 4;
  let t = (v & 0x0f) << 4;
  t = seg === 0 ? t + 8 : (t + 0x108) << (seg - 1);
  return v & 0x80 ? t : -t;
}

function ulawEncode(pcmv: number): number {
  const BIAS = 0x84;
  let v = pcmv >> 2;
  let mask = 0xff;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  }
  v = Math.min(v, 8159) + (BIAS >> 2);
  const seg = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff].findIndex((end) => v <= end);
  if (seg < 0) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 1)) & 0x0f)) ^ mask;
}

function ulawDecode(u: number): number {
  const v = ~u & 0xff;
  const t = (((v & 0x0f) << 3) + 0x84) << ((v & 0x70) >> 4);
  return v & 0x80 ? 0x84 - t : t - 0x84;
}

/** Encodes and decodes through G.711 A-law or mu-law. */
export function g711(x: Int16Array, law: 'alaw' | 'ulaw'): Int16Array {
  return law === 'alaw' ? x.map((v) => alawDecode(alawEncode(v))) : x.map((v) => ulawDecode(ulawEncode(v)));
}

export interface Timed<E> {
  event: E;
}

/** Runs audio through a fresh analyzer (20 ms frames; a trailing partial frame is dropped). */
export function analyse(
  samples: Int16Array,
  opts: Partial<ProgressAnalyzerOptions> = {},
  setup?: (a: CallProgressAnalyzer) => void,
): { events: ProgressEvent[]; analyzer: CallProgressAnalyzer } {
  const events: ProgressEvent[] = [];
  const a = new CallProgressAnalyzer(referencePrimitives, { sampleRate: 8000, ...opts }, (e) =>
    events.push(e),
  );
  setup?.(a);
  feed(a, samples);
  return { events, analyzer: a };
}

export function feed(a: CallProgressAnalyzer, samples: Int16Array): void {
  const n = a.frameSamples;
  for (let i = 0; i + n <= samples.length; i += n) a.push(samples.subarray(i, i + n));
}

export function ofType<T extends ProgressEvent['type']>(
  events: ProgressEvent[],
  type: T,
): Extract<ProgressEvent, { type: T }>[] {
  return events.filter((e): e is Extract<ProgressEvent, { type: T }> => e.type === type);
}
