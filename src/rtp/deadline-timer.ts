/** One timer kept at the earliest of the deadlines asked for: no timer per packet. */
import type { Clock, TimerHandle } from './clock.js';

export class DeadlineTimer {
  private handle: TimerHandle | undefined;
  private at = 0;

  constructor(
    private readonly clock: Clock,
    private readonly fire: () => void,
  ) {}

  /** Makes sure the timer fires by `at` (ms, clock time); undefined asks for nothing. */
  ensure(at: number | undefined): void {
    if (at === undefined) return;
    if (this.handle !== undefined && this.at <= at) return;
    this.stop();
    this.at = at;
    this.handle = this.clock.setTimeout(
      () => {
        this.handle = undefined;
        this.fire();
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  stop(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
