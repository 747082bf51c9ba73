/**
 * The media inactivity timeout: fires once when nothing (RTP or RTCP) arrived for `timeoutMs`
 * while media is expected. One timer re-armed lazily from the last arrival, not per packet.
 */
import type { Clock, TimerHandle } from './clock.js';

export class InactivityWatch {
  private timer: TimerHandle | undefined;
  private lastAt: number;
  private expecting = false;
  private reported = false;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly onInactive: (silentForMs: number) => void,
  ) {
    this.lastAt = clock.now();
  }

  /** Something arrived from the peer. */
  touch(now: number): void {
    this.lastAt = now;
  }

  /** (Re)starts watching, e.g. after negotiation; `expecting` false while on hold or sendonly. */
  restart(expecting: boolean): void {
    this.expecting = expecting;
    this.lastAt = this.clock.now();
    this.reported = false;
    this.stop();
    this.arm();
  }

  private arm(): void {
    if (this.timeoutMs <= 0 || this.timer !== undefined) return;
    // While no media is expected the check just comes back a full timeout later.
    const due = this.expecting
      ? Math.max(1, this.lastAt + this.timeoutMs - this.clock.now())
      : this.timeoutMs;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      const silent = this.clock.now() - this.lastAt;
      if (this.expecting && silent >= this.timeoutMs) {
        this.reported = true;
        this.onInactive(silent);
        return;
      }
      if (!this.reported) this.arm();
    }, due);
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
