/**
 * Reception statistics of one remote source (RFC 3550 Appendix A): sequence validation and the
 * extended highest sequence number (A.1), expected/lost and fraction lost (A.3), interarrival
 * jitter (§6.4.1, A.8), and the LSR/DLSR of its last SR for our report blocks.
 */
import type { ReportBlock } from './rtcp.js';
import { compactNtp } from './ntp.js';

const SEQ_MOD = 0x10000;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export type SeqVerdict = 'valid' | 'probation' | 'jump' | 'old';

export class ReceiveStats {
  ssrc = 0;
  private started = false;
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = SEQ_MOD + 1;
  private probation = 0;
  received = 0;
  octets = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private transit = 0;
  private haveTransit = false;
  /** Interarrival jitter in timestamp units (A.8, kept as a float; reported truncated). */
  jitter = 0;
  private lsr = 0;
  private lastSrAt = 0;
  /** Last fraction lost we reported, in 1/256. */
  lastFraction = 0;

  constructor(
    private readonly clockRate: number,
    private readonly minSequential = 1,
  ) {}

  reset(ssrc: number): void {
    this.ssrc = ssrc;
    this.started = false;
    this.received = 0;
    this.octets = 0;
    this.expectedPrior = 0;
    this.receivedPrior = 0;
    this.haveTransit = false;
    this.jitter = 0;
    this.lsr = 0;
    this.lastSrAt = 0;
    this.lastFraction = 0;
    this.badSeq = SEQ_MOD + 1;
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** A.1 update_seq; counts the packet when it is valid. */
  update(seq: number, payloadBytes: number): SeqVerdict {
    if (!this.started) {
      this.started = true;
      this.initSeq(seq);
      this.maxSeq = (seq - 1) & 0xffff;
      this.probation = this.minSequential;
    }
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received++;
          this.octets += payloadBytes;
          return 'valid';
        }
      } else {
        this.probation = this.minSequential - 1;
        this.maxSeq = seq;
      }
      return 'probation';
    }
    if (udelta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
      // A very large jump: two sequential packets mean the sender restarted its sequence.
      if (seq === this.badSeq) {
        this.initSeq(seq);
      } else {
        this.badSeq = (seq + 1) & 0xffff;
        return 'jump';
      }
    } else {
      // Duplicate or reordered: counted as received (A.3 lets the loss go negative) but not newest.
      this.received++;
      this.octets += payloadBytes;
      return 'old';
    }
    this.received++;
    this.octets += payloadBytes;
    return 'valid';
  }

  /** A.8: one arrival at `nowMs` of a packet stamped `timestamp`. */
  arrival(timestamp: number, nowMs: number): void {
    const arrival = Math.floor((nowMs * this.clockRate) / 1000);
    const transit = (arrival - timestamp) | 0;
    if (this.haveTransit) {
      const d = Math.abs((transit - this.transit) | 0);
      this.jitter += (d - this.jitter) / 16;
    }
    this.transit = transit;
    this.haveTransit = true;
  }

  /** The peer's SR arrived: remember its NTP time for LSR/DLSR (§6.4.1). */
  senderReport(ntpSeconds: number, ntpFraction: number, nowMs: number): void {
    this.lsr = compactNtp(ntpSeconds, ntpFraction);
    this.lastSrAt = nowMs;
  }

  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  get expected(): number {
    return this.started ? this.extendedMax - this.baseSeq + 1 : 0;
  }

  /** Cumulative lost (A.3), may be negative with duplicates. */
  get lost(): number {
    return this.expected - this.received;
  }

  get jitterMs(): number {
    return (this.jitter * 1000) / this.clockRate;
  }

  /** A report block for this source; advances the interval counters of A.3. */
  reportBlock(nowMs: number): ReportBlock {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fraction =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    this.lastFraction = Math.min(fraction, 255);
    const dlsr = this.lsr === 0 ? 0 : Math.floor(((nowMs - this.lastSrAt) * 65536) / 1000) >>> 0;
    return {
      ssrc: this.ssrc,
      fractionLost: this.lastFraction,
      cumulativeLost: Math.max(-0x800000, Math.min(0x7fffff, this.lost)),
      highestSeq: this.extendedMax >>> 0,
      jitter: Math.floor(this.jitter) >>> 0,
      lsr: this.lsr,
      dlsr,
    };
  }
}

/**
 * Round-trip time from a report block about us (§6.4.1): A − LSR − DLSR in 1/65536 s, where A is
 * the compact NTP time the report arrived. undefined when the peer had no SR of ours yet.
 */
export function roundTripMs(block: ReportBlock, arrivalCompactNtp: number): number | undefined {
  if (block.lsr === 0) return undefined;
  const rtt = (arrivalCompactNtp - block.lsr - block.dlsr) >>> 0;
  if (rtt >= 0x80000000) return undefined;
  return (rtt * 1000) / 65536;
}
