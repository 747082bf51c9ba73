/**
 * A call: its leg (inbound from a trunk, or outbound through one), the application steps running
 * on it, the digits it received and, at its end, its CDR. It is the StepContext steps act on.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Clock } from '../rtp/index.js';
import { ClipSource, StreamRecorder, type PlayEnd, type RecordMode } from '../media/index.js';
import type { AppSpec, DtmfSendMethod, StepSpec } from './call-types.js';
import { callCanGo, type CallState } from './call-state.js';
import { buildCdr, type Cdr } from './cdr.js';
import type { ClipCache } from './clip-cache.js';
import { DigitQueue } from './digit-queue.js';
import type { CallLogger } from './leg-context.js';
import type { DigitsResult, Leg } from './leg.js';
import type { LegEnd } from './leg-state.js';
import type { Q850Cause } from './q850.js';
import { CallSpeech } from './speech/call-speech.js';
import type { CallSpeechOptions } from './speech/speech-types.js';
import type { RecordingHandle, StepContext } from './steps/step-context.js';
import { StepExecutor, type StepRecord } from './steps/step-executor.js';

export interface CallDeps {
  readonly clock: Clock;
  readonly logger: CallLogger;
  readonly clips: ClipCache;
  readonly promptsDir: string;
  readonly recordingsDir: string;
  /** Speech (say, gather) through the MRCP client; none: those steps fail with `no-speech`. */
  readonly speech?: CallSpeechOptions | undefined;
  /** The call ended and its CDR is ready. */
  readonly onEnded: (call: Call, cdr: Cdr) => void;
}

export interface CallParty {
  readonly from: string;
  readonly to: string;
}

export class Call implements StepContext {
  state: CallState = 'routing';
  leg: Leg | undefined;
  app: AppSpec | undefined;
  readonly vars = new Map<string, string>();
  /** Data the application attached (the `tag` verb), written into the CDR. */
  readonly tags: Record<string, unknown> = {};
  readonly digits = new DigitQueue();
  readonly executor: StepExecutor;
  cdr: Cdr | undefined;
  readonly startedAt: number;
  private ringAt: number | undefined;
  private playToken = 0;
  private maxTimer: ReturnType<Clock['setTimeout']> | undefined;
  private speechHolder: CallSpeech | undefined;
  private readonly endWaiters: Array<(cdr: Cdr) => void> = [];
  /** Extra listeners (API, DialControl) for leg events. */
  readonly listeners = new Set<(ev: CallEvent) => void>();

  constructor(
    readonly callId: string,
    readonly direction: 'inbound' | 'outbound',
    readonly trunk: string | null,
    readonly party: CallParty,
    private readonly deps: CallDeps,
  ) {
    this.startedAt = deps.clock.now();
    this.executor = new StepExecutor(this);
  }

  get clock(): Clock {
    return this.deps.clock;
  }

  get logger(): CallLogger {
    return this.deps.logger;
  }

  get ended(): boolean {
    return this.state === 'ending' || this.state === 'ended';
  }

  transition(next: CallState): boolean {
    if (!callCanGo(this.state, next)) return false;
    this.deps.logger.debug(`call ${this.state} -> ${next}`, { callId: this.callId });
    this.state = next;
    return true;
  }

  /** Attaches the leg and follows its events. */
  attach(leg: Leg): void {
    this.leg = leg;
    leg.events = {
      onDigit: (d) => {
        this.digits.push(d.digit);
        this.emit({ type: 'digit', digit: d.digit, source: d.source });
      },
      onProgress: (status, early) => {
        this.ringAt ??= this.deps.clock.now();
        this.transition('ringing');
        this.emit({ type: 'progress', status, earlyMedia: early });
      },
      onAnswered: () => {
        this.transition('active');
        this.emit({ type: 'answered' });
      },
      onHold: (held) => this.emit({ type: 'hold', held }),
      onMediaTimeout: (ms) => {
        this.deps.logger.warn('media timeout: hanging up', { callId: this.callId, silentMs: ms });
        leg.hangup(102, 'media-timeout');
      },
      onEnded: (end) => void this.legEnded(end),
    };
  }

  /**
   * Runs an application on the call; when its steps run out the call is hung up. `body` replaces
   * the steps (the verbs API's application runner) under the same time limit.
   */
  async runApp(app: AppSpec, body?: () => Promise<unknown>): Promise<void> {
    this.app = app;
    if (this.direction === 'inbound') this.transition('ringing');
    this.maxTimer = this.deps.clock.setTimeout(() => {
      this.deps.logger.info('application time limit: hanging up', { callId: this.callId, app: app.name });
      this.hangup(102, 'app-time-limit');
    }, app.maxDurationMs);
    await (body ? body() : this.executor.run(app.steps));
    if (!this.ended) this.hangup(16, 'app-finished');
  }

  /** Runs steps (the verbs API's entry point): appended to what runs now. */
  runSteps(steps: readonly StepSpec[]): Promise<StepRecord[]> {
    return this.executor.run(steps);
  }

  // --- StepContext ---

  answer(): boolean {
    const leg = this.leg;
    if (!leg) return false;
    if (leg.state === 'connected') return true;
    if (leg.direction !== 'inbound') return false;
    return leg.answer();
  }

  ring(): boolean {
    this.ringAt ??= this.deps.clock.now();
    return this.leg?.ring() ?? false;
  }

  ensureMedia(): boolean {
    const leg = this.leg;
    if (!leg || leg.state === 'terminating' || leg.state === 'terminated') return false;
    if (leg.state === 'connected' || leg.state === 'early') return true;
    if (leg.direction === 'inbound' && leg.media.earlyMedia && leg.startEarlyMedia()) {
      this.ringAt ??= this.deps.clock.now();
      return true;
    }
    return this.answer();
  }

  private resolvePath(base: string, file: string): string {
    return isAbsolute(file) ? file : resolve(base, file);
  }

  play(file: string, onEnd: (why: PlayEnd | 'error', detail?: string) => void): void {
    const leg = this.leg;
    if (!leg) return onEnd('error', 'no leg');
    const token = ++this.playToken;
    const path = this.resolvePath(this.deps.promptsDir, file);
    void this.deps.clips.get(path, leg.stream.rate).then((r) => {
      if (token !== this.playToken || this.ended) return onEnd('stopped');
      if (!r.ok) {
        this.deps.logger.warn('prompt not playable', { callId: this.callId, file: path, code: r.code });
        return onEnd('error', r.message);
      }
      leg.stream.play(new ClipSource(r.clip), { onEnd: (why) => onEnd(why) });
    });
  }

  stopPlayback(): void {
    this.playToken++;
    this.leg?.stream.stopPlayback();
  }

  sendDigits(
    digits: string,
    method: DtmfSendMethod | undefined,
    toneMs: number,
    gapMs: number,
  ): Promise<DigitsResult> {
    const leg = this.leg;
    if (!leg) return Promise.resolve({ ok: false, reason: 'no leg' });
    return leg.sendDigits(digits, method ?? leg.media.dtmfMethod, toneMs, gapMs);
  }

  async record(file: string, mode: RecordMode, maxMs: number): Promise<RecordingHandle | string> {
    const leg = this.leg;
    if (!leg) return 'no leg';
    const name = file
      .replace(/\{callId\}/g, this.callId.replace(/[^A-Za-z0-9._-]/g, '_'))
      .replace(/\{time\}/g, String(Date.now()));
    const path = this.resolvePath(this.deps.recordingsDir, name);
    try {
      await mkdir(dirname(path), { recursive: true });
      const rec = await StreamRecorder.open({ path, rate: leg.stream.rate, mode, maxMs });
      if (this.ended) {
        await rec.finish();
        return 'call ended';
      }
      const untap = leg.stream.addTap(rec);
      return {
        path,
        stop: async () => {
          const r = await rec.finish();
          untap();
          return r;
        },
      };
    } catch (err) {
      return (err as Error).message;
    }
  }

  hangup(cause: number, what = 'app-hangup'): void {
    this.leg?.hangup(cause as Q850Cause, what);
  }

  /** One speech session holder per call, made by the first speech step (see CallSpeech). */
  speech(): CallSpeech | undefined {
    if (this.speechHolder) return this.speechHolder;
    const leg = this.leg;
    if (!this.deps.speech || !leg || this.ended) return undefined;
    this.speechHolder = new CallSpeech(this.callId, leg.stream, this.deps.speech, this.deps.logger);
    return this.speechHolder;
  }

  // --- end ---

  private emit(ev: CallEvent): void {
    for (const l of this.listeners) l(ev);
  }

  private async legEnded(end: LegEnd): Promise<void> {
    if (!this.transition('ending')) return;
    this.executor.kill();
    // Every way a call ends comes here: the speech session is released (BYE) with it.
    this.speechHolder?.close('hangup');
    if (this.maxTimer !== undefined) this.deps.clock.clearTimeout(this.maxTimer);
    this.emit({ type: 'ended', end });
    await this.leg?.closed();
    this.finish(end);
  }

  /** Ends a call that never got a leg (no port, no route...). */
  failWithoutLeg(end: LegEnd): void {
    if (!this.transition('ending')) return;
    this.finish(end);
  }

  private finish(end: LegEnd): void {
    const leg = this.leg;
    const now = this.deps.clock.now();
    const cdr = buildCdr({
      callId: this.callId,
      direction: this.direction,
      trunk: this.trunk,
      from: this.party.from,
      to: this.party.to,
      app: this.app?.name ?? null,
      times: {
        start: this.startedAt,
        ring: leg?.times.progress ?? this.ringAt,
        answer: leg?.times.answer,
        end: leg?.times.end ?? now,
      },
      end,
      stats: leg?.finalStats,
      earlyMedia: leg?.earlyMedia ?? false,
      holds: leg?.holds ?? 0,
      digits: this.digits.history,
      steps: this.executor.records.map((r) => ({
        type: r.type,
        outcome: r.outcome,
        ...(r.value !== undefined ? { value: r.value } : {}),
      })),
      tags: this.tags,
    });
    this.cdr = cdr;
    this.transition('ended');
    this.deps.onEnded(this, cdr);
    for (const w of this.endWaiters.splice(0)) w(cdr);
  }

  /** Resolves with the CDR when the call has ended. */
  whenEnded(): Promise<Cdr> {
    if (this.cdr) return Promise.resolve(this.cdr);
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }
}

export type CallEvent =
  | { type: 'progress'; status: number; earlyMedia: boolean }
  | { type: 'answered' }
  | { type: 'digit'; digit: string; source: string }
  | { type: 'hold'; held: boolean }
  | { type: 'ended'; end: LegEnd };
