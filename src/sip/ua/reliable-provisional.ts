/**
 * Reliable provisional responses, UAS side (RFC 3262 §3): RSeq numbering, retransmission at T1
 * doubling until the PRACK (giving up after 64*T1), one unacknowledged reliable response at a
 * time (later ones wait in a bounded queue), and PRACK matching by RAck.
 */
import type { Clock, TimerHandle } from '../clock.js';
import type { SipResponse } from '../message/message.js';

interface Pending {
  rseq: number;
  res: SipResponse;
  data: Buffer | null;
  hasBody: boolean;
}

export class ReliableProvisionals {
  private nextRSeq = 1 + Math.floor(Math.random() * 1000);
  private pending: Pending | null = null;
  private readonly queue: Pending[] = [];
  private timer: TimerHandle | null = null;
  private guard: TimerHandle | null = null;
  private interval = 0;

  constructor(
    private readonly clock: Clock,
    private readonly T1: number,
    private readonly T2: number,
    /** First transmission (through the INVITE server transaction); returns the bytes sent. */
    private readonly sendFirst: (res: SipResponse) => Buffer | null,
    /** Retransmission of those bytes. */
    private readonly sendAgain: (data: Buffer) => void,
    /** 64*T1 passed without a PRACK (§3: the UAS rejects the INVITE with a 5xx). */
    private readonly onTimeout: () => void,
    private readonly maxQueue = 8,
  ) {}

  /** The RSeq the next reliable provisional gets. */
  takeRSeq(): number {
    return this.nextRSeq++;
  }

  /** Whether an unacknowledged reliable provisional carried a session description. */
  get unackedOffer(): boolean {
    return (this.pending?.hasBody ?? false) || this.queue.some((q) => q.hasBody);
  }

  get outstanding(): boolean {
    return this.pending !== null;
  }

  /** Queues or sends a reliable provisional. Returns false if the queue is full. */
  add(rseq: number, res: SipResponse, hasBody: boolean): boolean {
    const p: Pending = { rseq, res, data: null, hasBody };
    if (this.pending) {
      if (this.queue.length >= this.maxQueue) return false;
      this.queue.push(p);
      return true;
    }
    this.transmit(p);
    return true;
  }

  private transmit(p: Pending): void {
    this.pending = p;
    p.data = this.sendFirst(p.res);
    this.interval = this.T1;
    this.timer = this.clock.setTimeout(() => this.retransmit(), this.interval);
    this.guard = this.clock.setTimeout(() => {
      this.guard = null;
      this.stop();
      this.onTimeout();
    }, 64 * this.T1);
  }

  private retransmit(): void {
    this.timer = null;
    if (!this.pending || !this.pending.data) return;
    this.sendAgain(this.pending.data);
    this.interval = Math.min(2 * this.interval, this.T2);
    this.timer = this.clock.setTimeout(() => this.retransmit(), this.interval);
  }

  /** A PRACK with `RAck: rseq cseq method` (§3): true when it acknowledges the pending response. */
  prack(rseq: number): boolean {
    if (!this.pending || this.pending.rseq !== rseq) return false;
    this.clearTimers();
    this.pending = null;
    const next = this.queue.shift();
    if (next) this.transmit(next);
    return true;
  }

  private clearTimers(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    if (this.guard) this.clock.clearTimeout(this.guard);
    this.timer = this.guard = null;
  }

  /** Stops retransmitting (a final response was sent, or the call ended). */
  stop(): void {
    this.clearTimers();
    this.pending = null;
    this.queue.length = 0;
  }
}

/** Parses `RAck: response-num CSeq-num Method` (RFC 3262 §7.2). */
export function parseRAck(v: string | undefined): { rseq: number; cseq: number; method: string } | null {
  if (!v) return null;
  const m = /^\s*(\d{1,10})\s+(\d{1,10})\s+(\S+)\s*$/.exec(v);
  if (!m) return null;
  return { rseq: Number(m[1]), cseq: Number(m[2]), method: m[3]! };
}
