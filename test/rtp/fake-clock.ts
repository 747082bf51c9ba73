/** The shared fake clock (test/helpers/fake-clock.ts), starting at a realistic wall-clock time. */
import { FakeClock as SharedFakeClock } from '../helpers/fake-clock.js';

export class FakeClock extends SharedFakeClock {
  constructor(start = 1_700_000_000_000) {
    super(start);
  }
}

/** Deterministic uniform [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}
