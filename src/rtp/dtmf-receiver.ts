/**
 * RFC 4733 §2.5.2 receiver, sans-IO: turns telephone-event packets into exactly one digit per key
 * press. Handles duplicate end packets (§2.5.1.4 sends three), lost end packets (a new event
 * timestamp, or no packet for `timeoutMs`), reordering, and long presses split into segments
 * (§2.5.1.3: a new timestamp continuing the same event without the marker bit).
 *
 *   idle ──packet──▶ active ──end / new event / timeout──▶ ended ──packet, new timestamp──▶ active
 */
import type { Logger } from './logger.js';
import { MAX_DTMF_EVENT, type TelephoneEvent, digitOf } from './telephone-event.js';

export type DtmfReceiverState = 'idle' | 'active' | 'ended';

export interface DigitEvent {
  readonly digit: string;
  readonly event: number;
  /** Whole event duration (all segments), ms. */
  readonly durationMs: number;
  /** Volume of the last packet, in −dBm0 (0–63). */
  readonly volume: number;
  /** RTP timestamp of the event's first segment. */
  readonly timestamp: number;
  readonly ended: 'end' | 'new-event' | 'timeout';
}

export interface DtmfReceiverOptions {
  readonly clockRate?: number;
  /** No packet of an active event for this long ends it. Default 600 ms. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

const noop = (): void => undefined;

export class DtmfReceiver {
  private st: DtmfReceiverState = 'idle';
  private event = 0;
  private startTs = 0;
  private segmentTs = 0;
  private duration = 0;
  private before = 0;
  private volume = 0;
  private lastAt = 0;
  private readonly clockRate: number;
  private readonly timeoutMs: number;
  private readonly log: Logger;
  /** Events above 16 seen and ignored. */
  unsupported = 0;

  constructor(
    private readonly onDigit: (d: DigitEvent) => void,
    options: DtmfReceiverOptions = {},
    private readonly onBegin: (event: number, digit: string) => void = noop,
  ) {
    this.clockRate = options.clockRate ?? 8000;
    this.timeoutMs = options.timeoutMs ?? 600;
    this.log = options.logger ?? { debug: noop, info: noop, warn: noop, error: noop };
  }

  get state(): DtmfReceiverState {
    return this.st;
  }

  private go(to: DtmfReceiverState, why: string): void {
    this.log.debug(`rfc4733 rx: ${this.st} -> ${to} (${why})`, {
      event: this.event,
      timestamp: this.segmentTs,
    });
    this.st = to;
  }

  private emit(ended: DigitEvent['ended']): void {
    const total = this.before + this.duration;
    this.go('ended', ended);
    this.onDigit({
      digit: digitOf(this.event) as string,
      event: this.event,
      durationMs: Math.round((total * 1000) / this.clockRate),
      volume: this.volume,
      timestamp: this.startTs,
      ended,
    });
  }

  private begin(timestamp: number, e: TelephoneEvent, now: number): void {
    this.event = e.event;
    this.startTs = timestamp;
    this.segmentTs = timestamp;
    this.duration = e.duration;
    this.before = 0;
    this.volume = e.volume;
    this.lastAt = now;
    this.go('active', 'new event');
    this.onBegin(e.event, digitOf(e.event) as string);
    if (e.end) this.emit('end');
  }

  /** One telephone-event packet (first event of its payload). */
  packet(timestamp: number, marker: boolean, e: TelephoneEvent, now: number): void {
    if (e.event > MAX_DTMF_EVENT) {
      this.unsupported++;
      return;
    }
    if (this.st === 'idle') return this.begin(timestamp, e, now);
    // Timestamps compare modulo 2^32: anything older than the current segment is stale.
    const delta = (timestamp - this.segmentTs) | 0;
    if (delta < 0) return;
    if (delta === 0) {
      if (this.st === 'ended') return; // retransmitted end packet, or a late update
      this.lastAt = now;
      if (e.duration > this.duration) this.duration = e.duration;
      this.volume = e.volume;
      if (e.end) this.emit('end');
      return;
    }
    if (this.st === 'active' && e.event === this.event && !marker && this.continues(delta)) {
      // §2.5.1.3 long event: a new segment starts where the previous one reached 0xFFFF.
      this.before += Math.max(this.duration, delta);
      this.segmentTs = timestamp;
      this.duration = e.duration;
      this.volume = e.volume;
      this.lastAt = now;
      if (e.end) this.emit('end');
      return;
    }
    if (this.st === 'active') this.emit('new-event');
    this.begin(timestamp, e, now);
  }

  private continues(delta: number): boolean {
    // The next segment starts at the previous timestamp + 0xFFFF (or + its duration so far).
    const slack = this.clockRate / 10;
    return (
      Math.abs(delta - 0xffff) <= slack ||
      (this.duration >= 0xffff - slack && Math.abs(delta - this.duration) <= slack)
    );
  }

  /** When poll() must run next (ms), or undefined when no event is open. */
  deadline(): number | undefined {
    return this.st === 'active' ? this.lastAt + this.timeoutMs : undefined;
  }

  /** Ends an event whose end packets were all lost. */
  poll(now: number): void {
    if (this.st === 'active' && now >= this.lastAt + this.timeoutMs) this.emit('timeout');
  }
}
