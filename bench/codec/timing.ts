/**
 * Timing for the codec benchmark: the fastest of 7 trials, each bounded in time (the minimum is the
 * figure least disturbed by other work on a shared machine).
 */
export function nsPerCall(fn: () => void, trialMs = 60): number {
  // Warm up and calibrate: how many calls fit in about a fifth of a trial.
  let calls = 0;
  const t0 = process.hrtime.bigint();
  const calib = BigInt(Math.round((trialMs / 5) * 1e6));
  while (process.hrtime.bigint() - t0 < calib && calls < 10_000_000) {
    fn();
    calls++;
  }
  const perTrial = Math.max(1, calls * 5);
  const trials: number[] = [];
  for (let t = 0; t < 7; t++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perTrial; i++) fn();
    trials.push(Number(process.hrtime.bigint() - start) / perTrial);
  }
  return Math.min(...trials);
}

/** Cycles through `items`, so each call sees another frame. */
export function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => {
    const v = items[i]!;
    i = i + 1 === items.length ? 0 : i + 1;
    return v;
  };
}

export function fmt(ns: number): string {
  return ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${Math.round(ns)} ns`;
}
