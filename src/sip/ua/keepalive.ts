/**
 * OPTIONS keepalive of a trunk: one ping every interval (never two in flight); the trunk is up
 * after any answer and down after `downAfter` consecutive failures (no answer, 408 or 503).
 *
 *   up ──N failures──▶ down ──any answer──▶ up
 */
import type { Clock, TimerHandle } from '../clock.js';
import type { SipResponse } from '../message/message.js';

export class Keepalive {
  up = true;
  failures = 0;
  pings = 0;
  private timer: TimerHandle | null = null;
  private inFlight = false;
  private stopped = true;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly downAfter: number,
    private readonly ping: (done: (res: SipResponse | null) => void) => void,
    private readonly onChange: (up: boolean) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.fire();
    }, ms);
  }

  private fire(): void {
    if (this.stopped) return;
    if (!this.inFlight) {
      this.inFlight = true;
      this.pings++;
      this.ping((res) => this.result(res));
    }
    this.schedule(this.intervalMs);
  }

  private result(res: SipResponse | null): void {
    this.inFlight = false;
    if (this.stopped) return;
    const ok = res !== null && res.status !== 408 && res.status !== 503;
    if (ok) {
      this.failures = 0;
      if (!this.up) {
        this.up = true;
        this.onChange(true);
      }
    } else if (++this.failures >= this.downAfter && this.up) {
      this.up = false;
      this.onChange(false);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
