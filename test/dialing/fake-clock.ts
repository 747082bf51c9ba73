/** The shared fake clock (test/helpers/fake-clock.ts), starting at a realistic wall-clock time. */
import type { Clock } from '../../src/dialing/index.js';
import { FakeClock as SharedFakeClock } from '../helpers/fake-clock.js';

export class FakeClock extends SharedFakeClock {
  constructor(start = 1_700_000_000_000) {
    super(start);
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
