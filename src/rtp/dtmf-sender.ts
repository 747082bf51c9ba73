/**
 * RFC 4733 §2.5.1 sender, sans-IO, driven by the session's frame clock (one tick per packet
 * interval). Per digit: the first packet has the marker bit (§2.5.1.1), every packet of the event
 * carries the event's start timestamp and a growing duration (§2.5.1.2), the end packet is sent
 * three times (§2.5.1.4), events longer than 0xFFFF units are split into segments (§2.5.1.3).
 * The session sends these instead of audio while `sending` is true and numbers them in the same
 * sequence as audio.
 *
 *   idle ──digit queued──▶ sending ──duration reached──▶ ending ──3 end packets──▶ gap ──gap over──▶ idle
 */
import type { Logger } from './logger.js';
import { eventOf } from './telephone-event.js';

export type DtmfSenderState = 'idle' | 'sending' | 'ending' | 'gap';

export interface DtmfSenderOptions {
  readonly clockRate?: number;
  /** Tone duration, ms (default 100). */
  readonly durationMs?: number;
  /** Silence (audio) between digits, ms (default 60). */
  readonly gapMs?: number;
  /** −dBm0, 0–63 (default 10). */
  readonly volume?: number;
  /** Digits waiting at most (default 64). */
  readonly maxQueue?: number;
  readonly endRepeats?: number;
  readonly logger?: Logger;
}

/** The packet to send this tick (reused object). */
export interface EventPacket {
  marker: boolean;
  timestamp: number;
  event: number;
  end: boolean;
  volume: number;
  duration: number;
}

interface Queued {
  event: number;
  units: number;
  volume: number;
}

const noop = (): void => undefined;

export class DtmfSender {
  private st: DtmfSenderState = 'idle';
  private readonly queue: Queued[] = [];
  private readonly clockRate: number;
  private readonly defaults: { durationMs: number; gapMs: number; volume: number };
  private readonly maxQueue: number;
  private readonly endRepeats: number;
  private readonly log: Logger;
  private cur: Queued = { event: 0, units: 0, volume: 0 };
  private segmentTs = 0;
  private elapsed = 0;
  private segmentBase = 0;
  private first = false;
  private ends = 0;
  private gapLeft = 0;
  private capped = false;
  /** Digits sent to the end. */
  sent = 0;

  constructor(options: DtmfSenderOptions = {}) {
    this.clockRate = options.clockRate ?? 8000;
    this.defaults = {
      durationMs: options.durationMs ?? 100,
      gapMs: options.gapMs ?? 60,
      volume: options.volume ?? 10,
    };
    this.maxQueue = options.maxQueue ?? 64;
    this.endRepeats = options.endRepeats ?? 3;
    this.log = options.logger ?? { debug: noop, info: noop, warn: noop, error: noop };
  }

  get state(): DtmfSenderState {
    return this.st;
  }

  /** True while event packets replace audio (the gap lets audio through). */
  get sending(): boolean {
    return this.st === 'sending' || this.st === 'ending';
  }

  get pending(): number {
    return this.queue.length + (this.sending ? 1 : 0);
  }

  private go(to: DtmfSenderState, why: string): void {
    this.log.debug(`rfc4733 tx: ${this.st} -> ${to} (${why})`, { event: this.cur.event });
    this.st = to;
  }

  /**
   * Queues digits; returns how many were queued, or a code: `invalid` (a character that is not a
   * DTMF digit — nothing queued) or `full` (the queue bound would be exceeded — nothing queued).
   */
  enqueue(
    digits: string,
    options: { durationMs?: number; volume?: number } = {},
  ): number | 'invalid' | 'full' {
    const events: number[] = [];
    for (const d of digits) {
      const e = eventOf(d);
      if (e === undefined) return 'invalid';
      events.push(e);
    }
    if (this.queue.length + events.length > this.maxQueue) return 'full';
    const ms = Math.max(40, Math.min(options.durationMs ?? this.defaults.durationMs, 60_000));
    const volume = Math.max(0, Math.min(63, Math.round(options.volume ?? this.defaults.volume)));
    for (const event of events)
      this.queue.push({ event, units: Math.round((ms * this.clockRate) / 1000), volume });
    return events.length;
  }

  /** Drops queued digits (the one being sent finishes properly). */
  clear(): void {
    this.queue.length = 0;
  }

  /**
   * One frame tick. `timestamp` is the RTP timestamp audio would carry now and `units` the tick's
   * length in timestamp units. Returns true when `out` holds an event packet to send instead of audio.
   */
  tick(timestamp: number, units: number, out: EventPacket): boolean {
    if (this.st === 'gap') {
      if (this.gapLeft > 0) {
        this.gapLeft -= units;
        return false;
      }
      this.go('idle', 'gap over');
    }
    if (this.st === 'idle') {
      const next = this.queue.shift();
      if (!next) return false;
      this.cur = next;
      this.segmentTs = timestamp >>> 0;
      this.segmentBase = 0;
      this.elapsed = 0;
      this.first = true;
      this.capped = false;
      this.go('sending', 'digit');
    }
    if (this.st === 'sending') {
      this.elapsed = Math.min(this.elapsed + units, this.cur.units);
      let duration = this.elapsed - this.segmentBase;
      if (duration > 0xffff) {
        // §2.5.1.3: report the segment at its maximum 0xFFFF (no E bit), then start the next
        // segment 0xFFFF units later, without the marker bit.
        if (!this.capped) {
          this.capped = true;
          this.fill(out, 0xffff, false);
          out.marker = false;
          return true;
        }
        this.capped = false;
        this.segmentBase += 0xffff;
        this.segmentTs = (this.segmentTs + 0xffff) >>> 0;
        duration = this.elapsed - this.segmentBase;
      }
      const done = this.elapsed >= this.cur.units;
      this.fill(out, duration, done);
      out.marker = this.first;
      this.first = false;
      if (done) {
        this.ends = 1;
        this.go('ending', 'duration reached');
        if (this.ends >= this.endRepeats) this.finish();
      }
      return true;
    }
    // ending: the same end packet again (§2.5.1.4).
    this.fill(out, this.elapsed - this.segmentBase, true);
    out.marker = false;
    if (++this.ends >= this.endRepeats) this.finish();
    return true;
  }

  private fill(out: EventPacket, duration: number, end: boolean): void {
    out.timestamp = this.segmentTs;
    out.event = this.cur.event;
    out.end = end;
    out.volume = this.cur.volume;
    out.duration = duration;
  }

  private finish(): void {
    this.sent++;
    this.gapLeft = Math.round((this.defaults.gapMs * this.clockRate) / 1000);
    this.go('gap', 'end sent');
  }
}
