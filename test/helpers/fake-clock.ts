/**
 * The manual clock every layer's timer tests use: time moves only when a test calls advance(),
 * and due timers fire in time order (ties in the order they were set), including timers they set.
 * It satisfies each layer's own Clock interface structurally (sip, rtp, mrcp, dialing, media).
 */

interface FakeTimer {
  /** Shares a property with the RTP layer's opaque TimerHandle (TypeScript's weak-type rule). */
  readonly __timer?: never;
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock {
  private t: number;
  private seq = 0;
  private readonly timers = new Set<FakeTimer>();

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): FakeTimer {
    const timer: FakeTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as FakeTimer);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running due timers in time order (and timers they set). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (let guard = 0; guard < 10_000_000; guard++) {
      let next: FakeTimer | undefined;
      for (const tm of this.timers) {
        if (tm.at <= end && (!next || tm.at < next.at || (tm.at === next.at && tm.seq < next.seq))) next = tm;
      }
      if (!next) break;
      this.timers.delete(next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }

  /** Runs zero-delay work without moving time. */
  flush(): void {
    this.advance(0);
  }

  /** Advances in steps until `done()` or `maxMs` elapsed; returns the time taken. */
  runUntil(done: () => boolean, maxMs: number, stepMs = 20): number {
    const start = this.t;
    while (!done() && this.t - start < maxMs) this.advance(stepMs);
    return this.t - start;
  }

  /** Jumps time without running timers (an event-loop stall). */
  stall(ms: number): void {
    this.t += ms;
  }
}
