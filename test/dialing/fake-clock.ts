/** A fake Clock: time moves only when a test advances it; timers fire in time order. */
import type { Clock } from '../../src/dialing/index.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: ++this.seq, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order (including ones they set). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (let guard = 0; guard < 1_000_000; guard++) {
      let next: Timer | undefined;
      for (const x of this.timers)
        if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.id < next.id))) next = x;
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  /** Advances in steps until `done()` or `maxMs` elapsed; returns the time taken. */
  runUntil(done: () => boolean, maxMs: number, stepMs = 20): number {
    const start = this.t;
    while (!done() && this.t - start < maxMs) this.advance(stepMs);
    return this.t - start;
  }
}

/** Wraps a clock and counts the timers its user has not cleared or seen fire. */
export class TrackingClock implements Clock {
  private readonly live = new Set<unknown>();

  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const h = this.inner.setTimeout(() => {
      this.live.delete(h);
      fn();
    }, ms);
    this.live.add(h);
    return h;
  }

  clearTimeout(handle: unknown): void {
    this.live.delete(handle);
    this.inner.clearTimeout(handle);
  }

  get outstanding(): number {
    return this.live.size;
  }
}
