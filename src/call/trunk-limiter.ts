/**
 * Origination limits per trunk: at most `maxConcurrentCalls` dials in progress, starts paced at
 * `callsPerSecond` (one start every 1000/cps ms: a carrier's CPS policer never sees a burst), and
 * a bounded FIFO queue for what cannot start yet. A full queue is refused at once with a
 * Retry-After estimate; a queued request waits at most `maxWaitMs`, and can be cancelled.
 * One timer per trunk at most, cleared when its queue is empty.
 */
import type { Clock, TimerHandle } from '../rtp/index.js';

export interface TrunkLimits {
  readonly maxConcurrentCalls: number;
  readonly callsPerSecond: number;
  readonly queueSize: number;
}

export interface QueueHandlers {
  /** The request may start now; `release()` when its call is over (idempotent). */
  admit(release: () => void): void;
  /** The request waited `maxWaitMs` in the queue and was dropped. */
  expire(): void;
}

export type Admission =
  | { status: 'admitted'; release: () => void }
  /** `cancel()` is true when the request was still waiting (it will not be admitted). */
  | { status: 'queued'; position: number; cancel: () => boolean }
  | { status: 'full'; retryAfterSeconds: number; message: string };

export interface TrunkGateStats {
  active: number;
  queued: number;
  admitted: number;
  queuedTotal: number;
  rejectedFull: number;
  expired: number;
  cancelled: number;
}

interface Waiter {
  readonly handlers: QueueHandlers;
  readonly deadline: number;
}

/** Retry-After is capped: beyond an hour the estimate means nothing. */
const MAX_RETRY_AFTER_S = 3600;

class TrunkGate {
  readonly stats: TrunkGateStats = {
    active: 0,
    queued: 0,
    admitted: 0,
    queuedTotal: 0,
    rejectedFull: 0,
    expired: 0,
    cancelled: 0,
  };
  private readonly queue: Waiter[] = [];
  private lastStart = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private pumping = false;
  private again = false;

  constructor(
    readonly name: string,
    public limits: TrunkLimits,
    private readonly clock: Clock,
    private readonly maxWaitMs: number,
  ) {}

  private get intervalMs(): number {
    return 1000 / this.limits.callsPerSecond;
  }

  private canStartNow(now: number): boolean {
    return this.stats.active < this.limits.maxConcurrentCalls && now >= this.lastStart + this.intervalMs;
  }

  request(h: QueueHandlers): Admission {
    const now = this.clock.now();
    if (this.queue.length === 0 && this.canStartNow(now)) {
      this.lastStart = now;
      this.stats.active++;
      this.stats.admitted++;
      return { status: 'admitted', release: this.releaser() };
    }
    if (this.queue.length >= this.limits.queueSize) {
      this.stats.rejectedFull++;
      const wait = Math.ceil((this.queue.length + 1) / this.limits.callsPerSecond);
      return {
        status: 'full',
        retryAfterSeconds: Math.min(MAX_RETRY_AFTER_S, Math.max(1, wait)),
        message:
          `trunk "${this.name}" queue is full (${this.queue.length} waiting, ` +
          `${this.stats.active}/${this.limits.maxConcurrentCalls} calls, ${this.limits.callsPerSecond} per second)`,
      };
    }
    const w: Waiter = { handlers: h, deadline: now + this.maxWaitMs };
    this.queue.push(w);
    this.stats.queued = this.queue.length;
    this.stats.queuedTotal++;
    const position = this.queue.length;
    this.pump();
    return { status: 'queued', position, cancel: () => this.cancel(w) };
  }

  private cancel(w: Waiter): boolean {
    const i = this.queue.indexOf(w);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    this.stats.queued = this.queue.length;
    this.stats.cancelled++;
    this.pump();
    return true;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.stats.active--;
      this.pump();
    };
  }

  /** Expires overdue waiters, admits what the limits allow, and sets the one timer for the rest. */
  private pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        this.pumpOnce();
      } while (this.again);
    } finally {
      this.pumping = false;
    }
    this.arm();
  }

  private pumpOnce(): void {
    const now = this.clock.now();
    while (this.queue.length > 0 && this.queue[0]!.deadline <= now) {
      const w = this.queue.shift()!;
      this.stats.queued = this.queue.length;
      this.stats.expired++;
      w.handlers.expire();
    }
    while (this.queue.length > 0 && this.canStartNow(now)) {
      const w = this.queue.shift()!;
      this.stats.queued = this.queue.length;
      this.lastStart = now;
      this.stats.active++;
      this.stats.admitted++;
      w.handlers.admit(this.releaser());
    }
  }

  /** The next moment something can change without a release: the pacing slot or the head's deadline. */
  private arm(): void {
    const head = this.queue[0];
    let at = Number.POSITIVE_INFINITY;
    if (head) {
      at = head.deadline;
      if (this.stats.active < this.limits.maxConcurrentCalls)
        at = Math.min(at, this.lastStart + this.intervalMs);
    }
    if (at === this.timerAt) return;
    this.disarm();
    if (at === Number.POSITIVE_INFINITY) return;
    this.timerAt = at;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Removes every waiter (drain, shutdown); returns their handlers. */
  flush(): QueueHandlers[] {
    const all = this.queue.splice(0).map((w) => w.handlers);
    this.stats.queued = 0;
    this.stats.cancelled += all.length;
    this.disarm();
    return all;
  }
}

export interface TrunkLimiterOptions {
  readonly clock: Clock;
  /** Longest a request waits in a queue (ms). */
  readonly maxWaitMs: number;
}

/** One gate per trunk, made on first use (trunks are bounded by the SIP configuration). */
export class TrunkLimiter {
  private readonly gates = new Map<string, TrunkGate>();

  constructor(private readonly opts: TrunkLimiterOptions) {}

  /** Asks to start a call on `trunk` under `limits` (the latest limits replace the gate's). */
  request(trunk: string, limits: TrunkLimits, h: QueueHandlers): Admission {
    let g = this.gates.get(trunk);
    if (!g) {
      g = new TrunkGate(trunk, limits, this.opts.clock, this.opts.maxWaitMs);
      this.gates.set(trunk, g);
    } else g.limits = limits;
    return g.request(h);
  }

  stats(): Record<string, TrunkGateStats> {
    return Object.fromEntries([...this.gates].map(([k, g]) => [k, { ...g.stats }]));
  }

  /** Empties every queue (drain, shutdown); returns the waiters' handlers, none admitted. */
  flush(): QueueHandlers[] {
    return [...this.gates.values()].flatMap((g) => g.flush());
  }
}
