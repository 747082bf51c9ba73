/**
 * One drift-free 20 ms clock for every call: each tick is scheduled at start + n × period (not
 * "20 ms after the last one"), so setTimeout lateness never accumulates into RTP timestamp drift.
 * A single timer fans out to all subscribers, which costs far less than a timer per call.
 * After an event-loop stall it runs up to `maxCatchUp` missed ticks at once, then skips the rest
 * (subscribers see the tick number jump and advance their RTP timestamps by the gap).
 */

import type { Clock, TimerHandle } from '../rtp/index.js';

/**
 * The frame clock's time source: the RTP layer's injected Clock (one Clock type across media and
 * rtp). `monotonicClock` is the default: performance.now() cannot jump with NTP adjustments.
 */
export type TimerClock = Clock;

export const monotonicClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
};

export type TickHandler = (tick: number) => void;

export interface FrameClockStats {
  ticks: number;
  skippedTicks: number;
  /** Largest lateness of a tick, in ms. */
  maxLateMs: number;
  subscriberErrors: number;
}

export class FrameClock {
  private readonly subscribers = new Set<TickHandler>();
  private handle: TimerHandle | undefined;
  private t0 = 0;
  private tick = 0;
  readonly stats: FrameClockStats = { ticks: 0, skippedTicks: 0, maxLateMs: 0, subscriberErrors: 0 };

  constructor(
    private readonly clock: Clock = monotonicClock,
    readonly periodMs = 20,
    private readonly maxCatchUp = 3,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  get running(): boolean {
    return this.handle !== undefined;
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Adds a handler; the clock runs while it has subscribers. Returns the unsubscribe function. */
  subscribe(fn: TickHandler): () => void {
    this.subscribers.add(fn);
    if (!this.running) this.start();
    return () => {
      this.subscribers.delete(fn);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** The tick number now (what a new subscriber's first frame will see). */
  currentTick(): number {
    return this.tick;
  }

  private start(): void {
    // Tick numbers continue across a stop and restart; the schedule restarts from now.
    this.t0 = this.clock.now() - this.tick * this.periodMs;
    this.schedule();
  }

  stop(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private schedule(): void {
    const due = this.t0 + (this.tick + 1) * this.periodMs;
    this.handle = this.clock.setTimeout(() => this.fire(), Math.max(0, due - this.clock.now()));
  }

  private fire(): void {
    this.handle = undefined;
    const now = this.clock.now();
    const behind = Math.floor((now - this.t0) / this.periodMs) - this.tick;
    let run = Math.max(1, behind);
    if (run > this.maxCatchUp) {
      this.stats.skippedTicks += run - this.maxCatchUp;
      this.tick += run - this.maxCatchUp;
      run = this.maxCatchUp;
    }
    const late = now - (this.t0 + (this.tick + 1) * this.periodMs);
    if (late > this.stats.maxLateMs) this.stats.maxLateMs = late;
    for (let i = 0; i < run; i++) {
      this.tick++;
      this.stats.ticks++;
      for (const fn of this.subscribers) {
        try {
          fn(this.tick);
        } catch (err) {
          // One broken subscriber must not silence every other call.
          this.stats.subscriberErrors++;
          this.onError(err);
        }
      }
    }
    if (this.subscribers.size > 0) this.schedule();
  }
}
