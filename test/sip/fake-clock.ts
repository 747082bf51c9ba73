/** A fake Clock: timers fire only when the test advances time, in time order. */
import type { Clock, TimerHandle } from '../../src/sip/index.js';

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private readonly timers = new Set<FakeTimer>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(h: TimerHandle): void {
    this.timers.delete(h as FakeTimer);
  }

  /** Runs every timer due within `ms`, including timers they set. */
  advance(ms: number): void {
    const end = this.t + ms;
    while (true) {
      let next: FakeTimer | undefined;
      for (const tm of this.timers) {
        if (tm.at <= end && (!next || tm.at < next.at || (tm.at === next.at && tm.seq < next.seq))) next = tm;
      }
      if (!next) break;
      this.timers.delete(next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  /** Runs zero-delay work (message deliveries) without moving time. */
  flush(): void {
    this.advance(0);
  }

  get pending(): number {
    return this.timers.size;
  }
}
