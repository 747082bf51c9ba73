/**
 * Time, injected: every SIP timer (RFC 3261 §17 A–M, §13.3.1.4, §14.1, RFC 3262, RFC 4028) is
 * set through a Clock so tests run them in fake time.
 */
export type TimerHandle = object;

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};
