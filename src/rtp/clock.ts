/** Injected time, so every timer of the RTP layer runs in fake time in tests. */
export interface TimerHandle {
  readonly __timer?: never;
}

export interface Clock {
  /** Milliseconds (wall clock for NTP timestamps; any epoch for a fake clock). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t as unknown as TimerHandle;
  },
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
};
