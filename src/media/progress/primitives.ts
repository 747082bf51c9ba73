/**
 * The two signal primitives call-progress analysis needs, as the codec addon exposes them. The
 * analyzers take them injected so they run against the native addon in the daemon and against a
 * plain reference implementation in tests.
 *
 * Level convention assumed by every threshold in this folder: RMS relative to full scale (32768),
 * so a full-scale sine reads about -3 dBov, and a sine alone reads the same level from both
 * functions. `checkPrimitives` verifies exactly that against an implementation at start-up.
 */
export interface SignalPrimitives {
  /** RMS level of the frame in dBov (may be -Infinity or a floor for digital silence). */
  frameEnergyDbov(samples: Int16Array): number;
  /** Goertzel level of each frequency in dBov, written to `out` (same length as `freqsHz`). */
  toneLevelsDbov(
    samples: Int16Array,
    sampleRate: number,
    freqsHz: readonly number[],
    out: Float64Array,
  ): void;
}

/** Levels below this are treated as digital silence (and -Infinity is clamped to it). */
export const DBOV_FLOOR = -120;

/** Clamps a primitive's result into [DBOV_FLOOR, 10]; NaN counts as silence. */
export function clampDb(v: number): number {
  if (!(v > DBOV_FLOOR)) return DBOV_FLOOR;
  return v > 10 ? 10 : v;
}

export interface PrimitivesCheck {
  ok: boolean;
  problems: string[];
}

/**
 * Checks an implementation against the convention above with synthetic sines at 8 and 16 kHz:
 * the daemon runs it once at start so a convention mismatch fails loudly, not as missed tones.
 */
export function checkPrimitives(p: SignalPrimitives, toleranceDb = 1.5): PrimitivesCheck {
  const problems: string[] = [];
  for (const rate of [8000, 16000]) {
    const n = (rate / 1000) * 40;
    const s = new Int16Array(n);
    const amp = 0.1 * 32767;
    for (let i = 0; i < n; i++) s[i] = Math.round(amp * Math.sin((2 * Math.PI * 450 * i) / rate));
    const expected = 20 * Math.log10(amp / Math.SQRT2 / 32768);
    const energy = clampDb(p.frameEnergyDbov(s));
    if (Math.abs(energy - expected) > toleranceDb) {
      problems.push(
        `frameEnergyDbov of a 450 Hz sine at ${rate} Hz: ${energy.toFixed(1)}, expected ${expected.toFixed(1)}`,
      );
    }
    const out = new Float64Array(2);
    p.toneLevelsDbov(s, rate, [450, 1000], out);
    const on = clampDb(out[0] ?? DBOV_FLOOR);
    const off = clampDb(out[1] ?? DBOV_FLOOR);
    if (Math.abs(on - expected) > toleranceDb) {
      problems.push(
        `toneLevelsDbov at 450 Hz (${rate} Hz): ${on.toFixed(1)}, expected ${expected.toFixed(1)}`,
      );
    }
    if (off > expected - 20) {
      problems.push(
        `toneLevelsDbov at 1000 Hz for a 450 Hz sine (${rate} Hz): ${off.toFixed(1)}, expected far below`,
      );
    }
    const zero = clampDb(p.frameEnergyDbov(new Int16Array(n)));
    if (zero > -90) problems.push(`frameEnergyDbov of digital silence: ${zero}, expected <= -90`);
  }
  return { ok: problems.length === 0, problems };
}
