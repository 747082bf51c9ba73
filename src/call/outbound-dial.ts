/**
 * One outbound dial: waits its turn in the trunk's queue, runs the dialing plan (PlanRunner over
 * a DialControl) on a call, then does what the request asked once the callee is reached (hang
 * up, run steps, or keep an application spec for the verbs API). It ends with the call's CDR,
 * which carries the plan's outcome, or with a CDR of its own when no call was ever placed.
 */
import {
  PlanRunner,
  type CancelCause,
  type DialControl,
  type DialJob,
  type DialResult,
  type RunnerNotice,
} from '../dialing/index.js';
import type { Clock, TimerHandle } from '../rtp/index.js';
import type { AppSpec } from './call-types.js';
import type { Call, CallEvent } from './call.js';
import { buildCdr, type Cdr } from './cdr.js';
import { dialCanGo } from './dial-state.js';
import type { CdrDialing, ConnectedAction, DialSpec, DialState } from './dial-types.js';
import type { CallLogger } from './leg-context.js';
import type { OriginateResult } from './originate-types.js';
import { reasonHeader, type Q850Cause } from './q850.js';
import type { QueueHandlers } from './trunk-limiter.js';

export interface ControlHooks {
  onOriginated(r: OriginateResult): void;
  onCallEvent(ev: CallEvent): void;
}

/** What a dial needs from its dialer. */
export interface DialHost {
  readonly clock: Clock;
  readonly logger: CallLogger;
  /** Longest an `external` connected call stays up without the verbs API ending it (ms). */
  readonly connectedMaxMs: number;
  /** Longest steps wait for the 200 after the plan reached the callee in early media (ms). */
  readonly answerWaitMs: number;
  control(dial: OutboundDial, hooks: ControlHooks): DialControl;
  runApp(call: Call, app: AppSpec): void;
  emit(dial: OutboundDial, type: string, data?: Record<string, unknown>): void;
  /** The plan's result (metrics). */
  result(dial: OutboundDial, r: DialResult): void;
  /** The call of a dial exists (for its CDR). */
  bindCall(dial: OutboundDial, call: Call): void;
  /** Writes the CDR of a dial that placed no call. */
  writeCdr(cdr: Cdr): void;
  /** The dial has ended. */
  ended(dial: OutboundDial): void;
  /** An `external` action: the verbs API takes the call from here. */
  connected?(dial: OutboundDial): void;
}

const SUCCESS = new Set(['reached_extension', 'answered']);

export class OutboundDial implements QueueHandlers {
  state: DialState = 'queued';
  readonly createdAt: number;
  admittedAt: number | undefined;
  connectedAt: number | undefined;
  endedAt: number | undefined;
  call: Call | undefined;
  result: DialResult | undefined;
  cdr: Cdr | undefined;
  /** The plan step running now. */
  step: string | undefined;
  attempts = 0;
  readonly heard: string[] = [];
  cancelled: CancelCause | undefined;
  /** The application spec of an `external` action, for the verbs API. */
  application: Readonly<Record<string, unknown>> | undefined;
  private runner: PlanRunner | undefined;
  private originated: 'none' | 'pending' | 'call' = 'none';
  private originateFailure: string | undefined;
  private release: (() => void) | undefined;
  private dequeue: (() => boolean) | undefined;
  private timer: TimerHandle | undefined;
  private readonly waiters: Array<() => void> = [];

  constructor(
    readonly id: string,
    readonly spec: DialSpec,
    readonly job: DialJob,
    /** The caller ID the INVITE carries. */
    readonly from: string | undefined,
    private readonly host: DialHost,
  ) {
    this.createdAt = host.clock.now();
  }

  get trunk(): string {
    return this.job.trunk.name;
  }

  get connectedAction(): ConnectedAction {
    return this.spec.connected ?? { type: 'hangup' };
  }

  private go(next: DialState): boolean {
    if (!dialCanGo(this.state, next)) return false;
    this.host.logger.debug(`dial ${this.state} -> ${next}`, { callId: this.id });
    this.state = next;
    return true;
  }

  /** Waiting in the queue: `cancel` takes it out. */
  waitInQueue(cancel: () => boolean): void {
    this.dequeue = cancel;
  }

  /** Admitted by the trunk limiter: place the call and run the plan. */
  admit(release: () => void): void {
    this.release = release;
    if (!this.go('dialing')) return release();
    this.admittedAt = this.host.clock.now();
    this.originated = 'pending';
    const control = this.host.control(this, {
      onOriginated: (r) => this.onOriginated(r),
      onCallEvent: (ev) => this.onCallEvent(ev),
    });
    this.runner = new PlanRunner(control, this.job, {
      callId: this.id,
      logger: this.host.logger,
      onNotice: (n) => this.onNotice(n),
    });
    this.host.emit(this, 'call.dialing', { queuedMs: this.admittedAt - this.createdAt });
    void this.runner.start().then((r) => this.planDone(r));
  }

  /** Waited too long in the queue. */
  expire(): void {
    this.finishWithoutCall(this.synthetic('failed', 'queue_timeout'), 34, 'dial-queue-timeout');
  }

  /** API hang-up, caller gone, shutdown: wherever the dial is. False when it is already ending. */
  cancel(cause: CancelCause): boolean {
    switch (this.state) {
      case 'queued':
        if (!this.dequeue?.()) return false;
        this.cancelled = cause;
        this.finishWithoutCall(this.synthetic('failed', `cancelled_${cause}`), 16, `dial-cancelled-${cause}`);
        return true;
      case 'dialing':
        this.cancelled = cause;
        this.runner?.cancel(cause);
        return true;
      case 'connected':
        this.cancelled = cause;
        this.go('ending');
        this.call?.executor.kill();
        this.call?.hangup(
          16,
          cause === 'shutdown' ? 'shutdown' : cause === 'api_hangup' ? 'api-hangup' : 'caller-gone',
        );
        return true;
      default:
        return false;
    }
  }

  private onOriginated(r: OriginateResult): void {
    if (!r.ok) {
      this.originated = 'none';
      this.originateFailure = r.code;
      // The runner gets `failed` and ends; if it already had, nothing else will end this dial.
      if (this.result) this.finishWithoutCall(this.result, q850ForFailure(r.code), `dial-${r.code}`);
      return;
    }
    this.originated = 'call';
    this.call = r.call;
    this.host.bindCall(this, r.call);
    this.host.emit(this, 'call.started', { sipCallId: r.call.callId });
  }

  private onCallEvent(ev: CallEvent): void {
    if (ev.type === 'progress')
      this.host.emit(this, 'call.progress', { sipCode: ev.status, earlyMedia: ev.earlyMedia });
    else if (ev.type === 'answered') this.host.emit(this, 'call.answered');
    else if (ev.type === 'digit') this.host.emit(this, 'call.dtmf', { digit: ev.digit, source: ev.source });
  }

  private onNotice(n: RunnerNotice): void {
    if (n.type === 'step') {
      this.step = n.step;
      this.attempts = n.attempt;
    } else if (n.type === 'heard' && this.heard.length < 32) this.heard.push(n.label);
    const { type, ...data } = n;
    this.host.emit(this, `dial.${type}`, data);
  }

  private planDone(r: DialResult): void {
    this.result = r;
    this.step = undefined;
    this.attempts = r.attempts;
    this.host.result(this, r);
    this.host.emit(this, 'dial.outcome', {
      outcome: r.outcome,
      detail: r.outcome === r.detail ? undefined : r.detail,
      sipCode: r.sipCode,
      reason: r.reason,
      attempts: r.attempts,
      durationMs: r.durationMs,
    });
    if (this.state !== 'dialing') return;
    const call = this.call;
    if (SUCCESS.has(r.outcome) && call && !call.ended) {
      this.go('connected');
      this.connectedAt = this.host.clock.now();
      this.host.emit(this, 'call.connected', { action: this.connectedAction.type });
      return this.runConnected(call);
    }
    this.go('ending');
    // With a call (or one on its way, which the control hangs up on arrival) the CDR ends the dial.
    if (this.originated === 'none') {
      const code = this.originateFailure;
      this.finishWithoutCall(r, q850ForFailure(code ?? ''), code ? `dial-${code}` : 'dial-failed');
    }
  }

  private runConnected(call: Call): void {
    const action = this.connectedAction;
    if (action.type === 'hangup') {
      this.go('ending');
      return call.hangup(16, 'dial-complete');
    }
    if (action.type === 'external' || action.type === 'bridge') {
      if (action.type === 'external') this.application = action.spec;
      this.timer = this.host.clock.setTimeout(() => {
        this.host.logger.info('connected dial time limit: hanging up', { callId: this.id });
        call.hangup(16, 'dial-time-limit');
      }, this.host.connectedMaxMs);
      return action.type === 'bridge' ? action.onConnected(call.callId) : this.host.connected?.(this);
    }
    const app = action.app;
    // Named applications are resolved by the dialer before a dial exists.
    if (typeof app === 'string') return call.hangup(16, 'dial-complete');
    this.afterAnswer(call, () => this.host.runApp(call, app));
  }

  /** Runs `fn` once the call is answered (a plan may reach the callee in early media), bounded. */
  private afterAnswer(call: Call, fn: () => void): void {
    if (call.leg?.state === 'connected') return fn();
    let done = false;
    const go = (): void => {
      if (done) return;
      done = true;
      call.listeners.delete(onEvent);
      this.host.clock.clearTimeout(t);
      if (!call.ended) fn();
    };
    const onEvent = (ev: CallEvent): void => {
      if (ev.type === 'answered') go();
    };
    call.listeners.add(onEvent);
    const t = this.host.clock.setTimeout(go, this.host.answerWaitMs);
  }

  /** Resolves once the plan has a result, or after `boundMs` (for the CDR of a call that ended). */
  settled(boundMs: number): Promise<void> {
    if (this.result || !this.runner) return Promise.resolve();
    return new Promise((resolve) => {
      const t = this.host.clock.setTimeout(resolve, boundMs);
      void this.runner!.done.then(() => {
        this.host.clock.clearTimeout(t);
        resolve();
      });
    });
  }

  /** The dialing section of the CDR. */
  cdrDialing(): CdrDialing {
    const r = this.result ?? this.synthetic('failed', 'no_result');
    return {
      id: this.id,
      platform: r.platform,
      plan: r.plan,
      requestUser: r.requestUser,
      extension: r.extension ?? null,
      outcome: r.outcome,
      detail: r.detail,
      sipCode: r.sipCode ?? null,
      reason: r.reason ?? null,
      queuedMs: Math.round((this.admittedAt ?? this.endedAt ?? this.host.clock.now()) - this.createdAt),
      timings: r.timings,
      attempts: r.attempts,
      digits: r.digits,
      steps: r.steps,
      heard: r.heard,
      cancelled: this.cancelled ?? r.cancelled ?? null,
      connected: this.connectedAction.type,
      tag: this.spec.tag ?? null,
    };
  }

  /** The call's CDR (with the dialing section) was written: the dial is over. */
  finish(cdr: Cdr): void {
    if (this.state === 'ended') return;
    this.cdr = cdr;
    this.go('ended');
    this.endedAt = this.host.clock.now();
    if (this.timer !== undefined) this.host.clock.clearTimeout(this.timer);
    this.release?.();
    this.host.emit(this, 'call.ended', {
      outcome: cdr.dialing?.outcome,
      endCause: cdr.endCause,
      durationMs: cdr.durationMs,
      talkMs: cdr.talkMs,
    });
    this.host.ended(this);
    for (const w of this.waiters.splice(0)) w();
  }

  whenEnded(): Promise<void> {
    if (this.state === 'ended') return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private finishWithoutCall(r: DialResult, q850: Q850Cause, what: string): void {
    if (this.state === 'ended') return;
    if (!this.result) {
      this.result = r;
      this.host.result(this, r);
      this.host.emit(this, 'dial.outcome', { outcome: r.outcome, detail: r.detail, attempts: 0 });
    }
    this.endedAt = this.host.clock.now();
    const base = buildCdr({
      callId: this.id,
      direction: 'outbound',
      trunk: this.trunk,
      from: this.from ?? '',
      to: this.job.requestUser,
      app: null,
      times: { start: this.createdAt, ring: undefined, answer: undefined, end: this.endedAt },
      end: { by: 'local', sipCode: undefined, q850, reason: reasonHeader(q850), what },
      stats: undefined,
      earlyMedia: false,
      holds: 0,
      digits: [],
      steps: [],
    });
    const cdr: Cdr = { ...base, dialing: this.cdrDialing() };
    this.host.writeCdr(cdr);
    this.finish(cdr);
  }

  /** A result for a dial whose plan never ran (queue timeout, cancelled while queued). */
  private synthetic(outcome: DialResult['outcome'], detail: string): DialResult {
    const j = this.job;
    return {
      callId: this.id,
      outcome,
      detail,
      platform: j.platform.name,
      plan: j.plan,
      trunk: j.trunk.name,
      requestUser: j.requestUser,
      ...(j.number.extension !== undefined ? { extension: j.number.extension } : {}),
      startedAt: this.createdAt,
      durationMs: Math.round(this.host.clock.now() - this.createdAt),
      timings: {},
      attempts: 0,
      digits: [],
      steps: [],
      heard: [],
      ...(this.cancelled ? { cancelled: this.cancelled } : {}),
    };
  }
}

/** Q.850 cause of a call that could not be placed (RFC 3398's spirit: resources vs. failure). */
function q850ForFailure(code: string): Q850Cause {
  if (code === 'no_media') return 47;
  if (code === 'trunk_limit' || code === 'too_many_calls' || code === 'overloaded') return 34;
  return 41;
}
