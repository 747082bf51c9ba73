/**
 * Runs a DialJob's plan against a DialControl: originates, walks the steps as an explicit state
 * machine (runner-state.ts), bounds every wait, logs every step with the call id, and classifies
 * the outcome. Cancellable at any point (API hangup, caller gone, shutdown drain). Events from
 * the control are queued and handled one at a time, so a control that answers synchronously
 * cannot re-enter a handler.
 */
import type {
  DialControl,
  DialEvent,
  DialLogger,
  DtmfCapabilities,
  HangupCause,
  MediaProgressEvent,
} from './dial-control.js';
import { DigitSender } from './digit-sender.js';
import { parseDigits } from './digits.js';
import { repromptTarget, type DialJob, type RunStep, type RunStepOf } from './job.js';
import type { PromptLabel } from './labels.js';
import { MediaMemory, type PromptHit } from './media-memory.js';
import {
  classifyRejection,
  classifyRemoteEnd,
  phraseOutcome,
  type CancelCause,
  type DialResult,
  type DigitsRecord,
  type Outcome,
  type StepRecord,
} from './outcome.js';
import { PromptWait, type PromptMode } from './prompt-wait.js';
import type { RunnerNotice } from './runner-notice.js';
import { transition, type RunnerState } from './runner-state.js';
import type { DtmfMethod } from './steps.js';
import { VerifyConnect } from './verify-connect.js';

export interface PlanRunnerOptions {
  callId: string;
  logger: DialLogger;
  /** Most step records kept in the result (default 64). */
  maxStepRecords?: number;
  /** Slack added to a digit send's expected duration before it counts as lost (default 5000 ms). */
  digitSlackMs?: number;
  /** Step, phrase, digit and re-prompt notices as the plan runs (for API events); must not throw. */
  onNotice?: (n: RunnerNotice) => void;
}

const MAX_QUEUE = 1024;

export class PlanRunner {
  private state: RunnerState = 'idle';
  private index = -1;
  private readonly t0: number;
  private readonly mem = new MediaMemory();
  private readonly queue: DialEvent[] = [];
  private draining = false;
  private stepTimers = new Set<unknown>();
  private planTimer: unknown;
  private answered = false;
  private earlyMedia = false;
  private attempts = 0;
  private lastSendIndex = -1;
  private reentry = false;
  private readonly digits: DigitsRecord[] = [];
  private readonly steps: StepRecord[] = [];
  private readonly timings: DialResult['timings'] = {};
  private support = { fingerprint: false, keyword: false, learn: false };
  private prompt: PromptWait | undefined;
  private verify: VerifyConnect | undefined;
  private sender: DigitSender | undefined;
  private sendSeq = 0;
  private result: DialResult | undefined;
  private resolveDone: (r: DialResult) => void = () => undefined;
  /** Resolves with the result once the run has ended, whatever ended it. */
  readonly done: Promise<DialResult>;

  constructor(
    private readonly control: DialControl,
    private readonly job: DialJob,
    private readonly opts: PlanRunnerOptions,
  ) {
    this.t0 = control.clock.now();
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  get currentState(): RunnerState {
    return this.state;
  }

  /** Starts the call; returns `done`. */
  start(): Promise<DialResult> {
    if (this.state !== 'idle') return this.done;
    const j = this.job;
    this.log('info', 'dial start', {
      trunk: j.trunk.name,
      platform: j.platform.name,
      plan: j.plan,
      to: j.requestUser,
      extension: j.number.extension,
    });
    this.planTimer = this.control.clock.setTimeout(
      () => this.finish('failed', 'plan_timeout'),
      j.maxDurationMs,
    );
    const req = {
      callId: this.opts.callId,
      trunk: j.trunk.name,
      requestUser: j.requestUser,
      headers: j.headers,
    };
    this.call(() => this.control.originate(req, (ev) => this.enqueue(ev)));
    this.call(() => (this.support = this.control.startAnalysis(j.analysis)));
    this.enter(0);
    return this.done;
  }

  /** Ends the run now: hangs up and reports `failed` / `cancelled_<cause>`. Idempotent. */
  cancel(cause: CancelCause): void {
    if (this.state === 'done') return;
    this.finish('failed', `cancelled_${cause}`, { cancelled: cause, hangup: 'cancelled' });
  }

  private enqueue(ev: DialEvent): void {
    if (this.state === 'done') return;
    if (this.queue.length >= MAX_QUEUE) {
      this.finish('failed', 'event_flood');
      return;
    }
    this.queue.push(ev);
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.isDone()) this.handle(this.queue.shift()!);
    } finally {
      this.draining = false;
      this.queue.length = 0;
    }
  }

  private handle(ev: DialEvent): void {
    switch (ev.type) {
      case 'progress':
        if (ev.earlyMedia && !this.earlyMedia) {
          this.earlyMedia = true;
          this.timings.earlyMediaMs = this.elapsed();
        }
        break;
      case 'answered':
        if (!this.answered) {
          this.answered = true;
          this.timings.answeredMs = this.elapsed();
        }
        break;
      case 'rejected': {
        const c = classifyRejection(ev.sipCode, this.attempts > 0);
        return this.finish(c.outcome, c.detail, { sipCode: ev.sipCode, reason: ev.reason, hangup: false });
      }
      case 'ended':
        return this.remoteEnded(ev.sipCode, ev.reason);
      case 'failed':
        return this.finish('failed', `call_failed: ${ev.reason}`, { hangup: false });
      case 'media':
        this.onMedia(ev.event);
        return;
      case 'keyword':
        this.onHit(this.mem.keyword(ev.label, ev.atMs));
        return;
      case 'keyword-unavailable':
        return this.keywordLost(ev.reason);
      default:
        break;
    }
    this.onStepEvent(ev);
  }

  private onStepEvent(ev: DialEvent): void {
    if (this.state === 'waitFor') {
      this.checkWaitFor();
    } else if (this.state === 'sendDigits' && (ev.type === 'digits-done' || ev.type === 'digits-failed')) {
      this.sender?.onResult(ev);
    } else if (this.state === 'verifyConnect' && ev.type === 'answered') {
      this.verify?.onAnswered();
    }
  }

  private onMedia(ev: MediaProgressEvent): void {
    const hit = this.mem.media(ev);
    if (hit) return this.onHit(hit);
    if (this.state === 'waitPromptEnd') this.prompt?.onMedia(ev);
    else if (this.state === 'onReprompt') this.repromptMedia(ev);
    else if (this.state === 'verifyConnect') this.verify?.onMedia(ev);
  }

  /** Keyword spotting ended for good: a keyword wait starts again on its fallback (vad or fail). */
  private keywordLost(reason: string): void {
    if (!this.support.keyword) return;
    this.support = { ...this.support, keyword: false };
    this.log('warn', 'dial keyword spotting unavailable', { reason });
    if (this.state !== 'waitPromptEnd' || this.prompt?.mode !== 'keyword') return;
    this.clearStepTimers();
    this.enterPrompt(this.step<'waitPromptEnd'>());
  }

  /** A prompt detection (fingerprint or keyword), whatever the step. */
  private onHit(h: PromptHit): void {
    this.log('debug', 'dial heard', { label: h.label, source: h.source, refId: h.refId });
    this.notify({ type: 'heard', label: h.label, source: h.source, atMs: this.elapsed() });
    if (this.state === 'waitPromptEnd') return this.prompt?.onHit(h);
    if (this.attempts === 0) return;
    const decisive = phraseOutcome(h.label);
    if (decisive) return this.finish(decisive.outcome, decisive.detail);
    if (this.state === 'onReprompt' || this.state === 'verifyConnect' || this.state === 'pause')
      this.reprompted(h);
  }

  // ---- steps ----------------------------------------------------------------------------------

  private enter(i: number): void {
    if (this.state === 'done') return;
    const s = this.job.steps[i];
    if (!s) return this.planComplete();
    this.state = transition(this.state, s.type);
    this.log('debug', 'dial state', { to: s.type, index: i });
    this.index = i;
    this.clearStepTimers();
    this.prompt = undefined;
    this.verify = undefined;
    this.sender = undefined;
    if (this.steps.length < (this.opts.maxStepRecords ?? 64))
      this.steps.push({ index: i, type: s.type, startMs: this.elapsed() });
    this.log('info', 'dial step', { index: i, step: s.type, attempt: this.attempts });
    this.notify({ type: 'step', index: i, step: s.type, attempt: this.attempts, atMs: this.elapsed() });
    switch (s.type) {
      case 'waitFor':
        this.timer(s.timeoutMs, () =>
          this.finish('x_no_answer', s.event === 'answer' ? 'answer_timeout' : 'progress_timeout', {
            hangup: 'x_no_answer',
          }),
        );
        return this.checkWaitFor();
      case 'pause':
        this.timer(s.ms, () => this.next('elapsed'));
        return;
      case 'waitPromptEnd':
        return this.enterPrompt(s);
      case 'sendDigits':
        return this.enterSend(s);
      case 'onReprompt':
        this.timer(s.windowMs, () => this.next('no_reprompt'));
        if (this.mem.busyTone || this.mem.sawRingback || this.mem.sawMusic)
          return this.next('progress_heard');
        return;
      case 'verifyConnect':
        this.verify = new VerifyConnect(s, this.mem, {
          setTimer: (ms, fn) => this.timer(ms, fn),
          clearTimer: (h) => this.clearTimer(h),
          outcome: (o, detail) => {
            if (o === 'reached_extension') this.timings.connectedMs = this.elapsed();
            this.finish(o, detail);
          },
          ringback: () => (this.timings.ringbackMs ??= this.elapsed()),
        });
        this.verify.start(this.answered);
        return;
    }
  }

  /** Early media or the answer, as the waitFor step asks. */
  private checkWaitFor(): void {
    const s = this.step<'waitFor'>();
    if (this.answered || (this.earlyMedia && s.event !== 'answer'))
      this.next(this.answered ? 'answered' : 'early_media');
  }

  private next(result: string): void {
    this.closeRecord(result);
    this.reentry = false;
    this.enter(this.index + 1);
  }

  private enterPrompt(s: RunStepOf<'waitPromptEnd'>): void {
    let mode: PromptMode = s.mode;
    if (
      (mode === 'fingerprint' && !this.support.fingerprint) ||
      (mode === 'keyword' && !this.support.keyword)
    ) {
      if (s.fallback === 'fail') return this.finish('failed', `${mode}_unavailable`);
      this.log('warn', 'dial prompt detection falls back to vad', { mode });
      mode = 'vad';
    }
    const reentry = this.reentry;
    this.timer(s.maxWaitMs, () => {
      if (reentry || s.onTimeout === 'continue') return this.next('max_wait');
      this.finish('failed', this.prompt?.heardSomething ? 'prompt_never_ended' : 'no_prompt');
    });
    this.prompt = new PromptWait(s, mode, this.mem, {
      setTimer: (ms, fn) => this.timer(ms, fn),
      clearTimer: (h) => this.clearTimer(h),
      log: (msg, meta) => this.log('debug', `dial ${msg}`, meta),
      ended: (how, fromMs, toMs) => {
        this.timings.promptEndMs = this.elapsed();
        if (s.learn && !reentry && fromMs !== undefined && toMs !== undefined) this.learn(fromMs, toMs);
        this.next(how);
      },
    });
    this.prompt.start();
  }

  private learn(fromMs: number, toMs: number): void {
    let ok = false;
    const id = `${this.opts.callId}/learned-prompt`;
    if (this.support.learn) this.call(() => (ok = this.control.learnReference(id, 'prompt', fromMs, toMs)));
    this.log(ok ? 'debug' : 'warn', ok ? 'dial learned the prompt' : 'dial could not learn the prompt', {
      fromMs,
      toMs,
    });
  }

  private enterSend(s: RunStepOf<'sendDigits'>): void {
    let caps: DtmfCapabilities = { rfc4733: false, info: false, inband: false };
    this.call(() => (caps = this.control.dtmfCapabilities()));
    if (this.isDone()) return;
    const order: readonly DtmfMethod[] = s.method === 'auto' ? this.job.trunk.dtmf.methods : [s.method];
    const methods = order.filter((m) => caps[m]);
    if (methods.length === 0) return this.finish('failed', 'dtmf_unavailable');
    const segments = parseDigits(s.digits);
    if (!segments.ok) return this.finish('failed', 'digits_invalid');
    if (s.sendsExtension) {
      this.attempts++;
      this.mem.consumeAll();
      this.mem.resetProgress();
    }
    this.sender = new DigitSender(
      s,
      segments.value,
      methods,
      s.sendsExtension ? this.attempts : 0,
      this.opts.digitSlackMs ?? 5000,
      {
        setTimer: (ms, fn) => this.timer(ms, fn),
        clearTimer: (h) => this.clearTimer(h),
        now: () => this.elapsed(),
        nextId: () => ++this.sendSeq,
        send: (req) => this.call(() => this.control.sendDigits(req)),
        sent: (rec) => {
          this.digits.push(rec);
          this.notify({
            type: 'digits',
            digits: rec.digits,
            method: rec.method,
            attempt: rec.attempt,
            atMs: rec.atMs,
          });
          this.timings.firstDigitMs ??= rec.atMs;
        },
        done: () => {
          this.timings.lastDigitMs = this.digits.at(-1)?.doneMs;
          this.lastSendIndex = this.index;
          this.next('sent');
        },
        failed: (detail, sipCode) => this.finish('failed', detail, { sipCode }),
        log: (level, msg, meta) => this.log(level, msg, meta),
      },
    );
    this.sender.start();
  }

  private repromptMedia(ev: MediaProgressEvent): void {
    if (
      (ev.type === 'tone' && ev.tone !== 'continuous') ||
      (ev.type === 'audio-class' && ev.audioClass === 'music')
    ) {
      this.next('progress_heard');
    }
  }

  /** The prompt or the "invalid" phrase came again after the digits. */
  private reprompted(h: PromptHit): void {
    const rp = this.job.steps.find((s): s is RunStepOf<'onReprompt'> => s.type === 'onReprompt');
    const labels: readonly PromptLabel[] = rp?.labels ?? ['prompt', 'invalid'];
    if (!labels.includes(h.label)) return;
    h.consumed = true;
    if (!rp || this.attempts >= rp.attempts) return this.finish('invalid_extension', `reprompted_${h.label}`);
    this.closeRecord('reprompt');
    const target = repromptTarget(this.job.steps, this.lastSendIndex);
    this.log('info', 'dial re-prompt', { label: h.label, attempt: this.attempts, resumeAt: target });
    this.notify({ type: 'reprompt', label: h.label, attempt: this.attempts, atMs: this.elapsed() });
    // When what came again is the prompt itself, the prompt wait uses it: it is playing now.
    const wait = this.job.steps[target];
    if (wait?.type === 'waitPromptEnd' && wait.label === h.label) h.consumed = false;
    this.reentry = true;
    this.enter(target);
  }

  private remoteEnded(sipCode?: number, reason?: string): void {
    const c = classifyRemoteEnd({
      digitsSent: this.attempts > 0,
      heard: this.mem.heard,
      busyTone: this.mem.busyTone,
      ringingHeard: this.mem.sawRingback || this.mem.sawMusic,
    });
    this.finish(c.outcome, c.detail, { sipCode, reason, hangup: false });
  }

  private planComplete(): void {
    if (this.attempts > 0) return this.finish('reached_extension', 'plan_complete_unverified');
    if (this.answered) return this.finish('answered', 'answered');
    this.finish('failed', 'plan_complete_unanswered');
  }

  // ---- end --------------------------------------------------------------------------------------

  private finish(
    outcome: Outcome,
    detail: string,
    x: {
      sipCode?: number | undefined;
      reason?: string | undefined;
      cancelled?: CancelCause;
      hangup?: false | HangupCause;
    } = {},
  ): void {
    if (this.state === 'done') return;
    this.closeRecord(detail);
    this.log('debug', 'dial state', { to: 'done', from: this.state });
    this.state = transition(this.state, 'done');
    this.clearStepTimers();
    this.control.clock.clearTimeout(this.planTimer);
    const success = outcome === 'reached_extension' || outcome === 'answered';
    // The call layer must not throw here; if it does, the run still ends with its result.
    for (const fn of [
      () => this.control.stopAnalysis(),
      () => x.hangup !== false && !success && this.control.hangup(x.hangup ?? hangupCause(outcome)),
    ]) {
      try {
        fn();
      } catch (e) {
        this.log('error', 'dial control threw', { error: (e as Error).message });
      }
    }
    const j = this.job;
    const r: DialResult = {
      callId: this.opts.callId,
      outcome,
      detail,
      platform: j.platform.name,
      plan: j.plan,
      trunk: j.trunk.name,
      requestUser: j.requestUser,
      startedAt: this.t0,
      durationMs: this.elapsed(),
      timings: this.timings,
      attempts: this.attempts,
      digits: this.digits,
      steps: this.steps,
      heard: [...this.mem.heard],
      ...(j.number.extension !== undefined && { extension: j.number.extension }),
      ...(x.sipCode !== undefined && { sipCode: x.sipCode }),
      ...(x.reason !== undefined && { reason: x.reason }),
      ...(x.cancelled && { cancelled: x.cancelled }),
    };
    this.result = r;
    this.log(success ? 'info' : 'warn', 'dial outcome', {
      outcome,
      detail,
      sipCode: x.sipCode,
      attempts: this.attempts,
      durationMs: r.durationMs,
    });
    this.resolveDone(r);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private step<K extends RunStep['type']>(): RunStepOf<K> {
    return this.job.steps[this.index] as RunStepOf<K>;
  }

  private closeRecord(result: string): void {
    const rec = this.steps.at(-1);
    if (rec && rec.index === this.index && rec.endMs === undefined) {
      rec.endMs = this.elapsed();
      rec.result = result;
      this.log('debug', 'dial step end', {
        index: rec.index,
        step: rec.type,
        result,
        ms: rec.endMs - rec.startMs,
      });
    }
  }

  private timer(ms: number, fn: () => void): unknown {
    const h = this.control.clock.setTimeout(() => {
      this.stepTimers.delete(h);
      if (this.state !== 'done') fn();
    }, ms);
    this.stepTimers.add(h);
    return h;
  }

  private clearTimer(h: unknown): void {
    this.control.clock.clearTimeout(h);
    this.stepTimers.delete(h);
  }

  private clearStepTimers(): void {
    for (const h of this.stepTimers) this.control.clock.clearTimeout(h);
    this.stepTimers.clear();
  }

  /** Calls into the control; a throwing call layer ends this run, never the process. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log('error', 'dial control threw', { error: (e as Error).message });
      if (!this.isDone()) this.finish('failed', 'control_error');
    }
  }

  private notify(n: RunnerNotice): void {
    try {
      this.opts.onNotice?.(n);
    } catch (e) {
      this.log('error', 'dial notice handler threw', { error: (e as Error).message });
    }
  }

  private isDone(): boolean {
    return this.state === 'done';
  }

  private elapsed(): number {
    return this.control.clock.now() - this.t0;
  }

  private log(level: keyof DialLogger, msg: string, meta: Record<string, unknown> = {}): void {
    this.opts.logger[level](msg, { callId: this.opts.callId, ...meta });
  }

  /** The result once done (also delivered by `done`). */
  get outcome(): DialResult | undefined {
    return this.result;
  }
}

function hangupCause(
  o: Outcome,
): 'x_no_answer' | 'plan_failed' | 'invalid_extension' | 'customer_busy' | 'customer_no_answer' {
  if (o === 'x_no_answer' || o === 'invalid_extension' || o === 'customer_busy' || o === 'customer_no_answer')
    return o;
  return 'plan_failed';
}
