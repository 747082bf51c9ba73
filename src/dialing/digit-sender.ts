/**
 * sendDigits: sends a digit string run by run (pauses `w`/`W` are timers here, not the call
 * layer's), each run bounded by its expected duration plus slack, falling back to the next DTMF
 * method of the order when the call layer reports a run failed (INFO answered 415/501, say).
 */
import type { DialEvent, SendDigitsRequest } from './dial-control.js';
import type { DigitSegment } from './digits.js';
import type { RunStepOf } from './job.js';
import type { DigitsRecord } from './outcome.js';
import type { DtmfMethod } from './steps.js';

export interface DigitSenderHooks {
  setTimer(ms: number, fn: () => void): unknown;
  clearTimer(h: unknown): void;
  now(): number;
  nextId(): number;
  send(req: SendDigitsRequest): void;
  /** A run was handed to the call layer (the record is completed in place later). */
  sent(rec: DigitsRecord): void;
  done(): void;
  failed(detail: string, sipCode?: number): void;
  log(level: 'info' | 'warn', msg: string, meta: Record<string, unknown>): void;
}

export class DigitSender {
  private seg = -1;
  private m = 0;
  private id = 0;
  private rec: DigitsRecord | undefined;
  private bound: unknown;

  constructor(
    private readonly step: RunStepOf<'sendDigits'>,
    private readonly segments: readonly DigitSegment[],
    private readonly methods: readonly DtmfMethod[],
    private readonly attempt: number,
    private readonly slackMs: number,
    private readonly hooks: DigitSenderHooks,
  ) {}

  start(): void {
    this.nextSegment();
  }

  onResult(ev: Extract<DialEvent, { type: 'digits-done' | 'digits-failed' }>): void {
    const rec = this.rec;
    if (!rec || ev.id !== this.id || rec.ok !== undefined) return;
    this.hooks.clearTimer(this.bound);
    rec.doneMs = this.hooks.now();
    rec.ok = ev.type === 'digits-done';
    if (ev.type === 'digits-done') return this.nextSegment();
    this.hooks.log('warn', 'dial digits failed', {
      method: rec.method,
      reason: ev.reason,
      sipCode: ev.sipCode,
    });
    if (++this.m < this.methods.length) return this.sendRun(rec.digits);
    this.hooks.failed('dtmf_failed', ev.sipCode);
  }

  private nextSegment(): void {
    const seg = this.segments[++this.seg];
    if (!seg) return this.hooks.done();
    if (seg.kind === 'pause') {
      this.hooks.setTimer(seg.ms, () => this.nextSegment());
      return;
    }
    this.sendRun(seg.digits);
  }

  private sendRun(digits: string): void {
    const s = this.step;
    const method = this.methods[this.m]!;
    this.id = this.hooks.nextId();
    const rec: DigitsRecord = { digits, method, attempt: this.attempt, atMs: this.hooks.now() };
    this.rec = rec;
    this.hooks.sent(rec);
    this.bound = this.hooks.setTimer(digits.length * (s.toneMs + s.gapMs) + this.slackMs, () =>
      this.hooks.failed('dtmf_timeout'),
    );
    this.hooks.log('info', 'dial digits', { digits, method, attempt: this.attempt });
    this.hooks.send({ id: this.id, digits, method, toneMs: s.toneMs, gapMs: s.gapMs });
  }
}
