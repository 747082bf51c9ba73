/**
 * Test-only reference implementation of the codec addon's two signal primitives (plain
 * TypeScript, straightforward Goertzel), following the convention in
 * src/media/progress/primitives.ts. The daemon uses the native addon instead.
 */
import type { SignalPrimitives } from '../../../src/media/progress/index.js';

const FULL = 32768;

export function frameEnergyDbov(samples: Int16Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    sum += v * v;
  }
  return 10 * Math.log10(sum / samples.length / (FULL * FULL));
}

export function toneLevelsDbov(
  samples: Int16Array,
  sampleRate: number,
  freqsHz: readonly number[],
  out: Float64Array,
): void {
  const n = samples.length;
  for (let f = 0; f < freqsHz.length; f++) {
    const coeff = 2 * Math.cos((2 * Math.PI * freqsHz[f]!) / sampleRate);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const s0 = samples[i]! + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    // Amplitude of the component is 2|X|/N; its RMS is that over sqrt(2).
    out[f] = 10 * Math.log10((2 * power) / (n * n) / (FULL * FULL));
  }
}

export const referencePrimitives: SignalPrimitives = { frameEnergyDbov, toneLevelsDbov };
