/** A manual clock for timer tests: time moves only when the test calls advance(). */
import type { Clock, TimerHandle } from '../../src/rtp/index.js';

export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(id: TimerHandle): void {
    this.timers.delete(id as unknown as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running due timers in time order (and timers they set). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = end;
  }

  /** Jumps time without running timers (an event-loop stall). */
  stall(ms: number): void {
    this.t += ms;
  }
}
