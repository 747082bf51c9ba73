/**
 * The UAS core's 2xx retransmission (RFC 3261 §13.3.1.4): the 2xx to an INVITE is re-sent at T1,
 * doubling up to T2, until the ACK with the INVITE's CSeq arrives; after 64*T1 without one the
 * session is ended with BYE. End to end, so over reliable hops too.
 */
import type { Clock, TimerHandle } from '../clock.js';
import type { TimerConfig } from '../transaction/timers.js';

export class OkRetransmitter {
  /** CSeq of the INVITE whose 2xx awaits its ACK; -1 when none does. */
  cseq = -1;
  private data: Buffer | null = null;
  private timer: TimerHandle | null = null;
  private guard: TimerHandle | null = null;
  private interval = 0;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerConfig,
    /** Sends the bytes again (counted as a retransmission). */
    private readonly resend: (data: Buffer) => void,
    /** 64*T1 passed without the ACK. */
    private readonly onTimeout: () => void,
  ) {}

  start(data: Buffer, cseq: number): void {
    this.stop();
    this.data = data;
    this.cseq = cseq;
    this.interval = this.timers.T1;
    this.timer = this.clock.setTimeout(() => this.fire(), this.interval);
    this.guard = this.clock.setTimeout(() => {
      this.guard = null;
      this.stop();
      this.onTimeout();
    }, 64 * this.timers.T1);
  }

  private fire(): void {
    this.timer = null;
    if (!this.data) return;
    this.resend(this.data);
    this.interval = Math.min(2 * this.interval, this.timers.T2);
    this.timer = this.clock.setTimeout(() => this.fire(), this.interval);
  }

  /** An ACK came: true when it is the one awaited (then retransmission stops). */
  ack(cseq: number): boolean {
    if (cseq !== this.cseq) return false;
    this.stop();
    return true;
  }

  stop(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    if (this.guard) this.clock.clearTimeout(this.guard);
    this.timer = this.guard = null;
    this.data = null;
    this.cseq = -1;
  }
}
