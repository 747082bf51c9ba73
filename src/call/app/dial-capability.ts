/**
 * The `dial` and `mute` capabilities of a caller's call (jambonz `dial`): rings the targets in
 * order until one is reached (dial-attempt.ts), then bridges the two calls' media (MediaBridge,
 * each stream transcoding its own codec) and forwards DTMF both ways with each leg's own method.
 * The bridge ends when either side hangs up, at `timeLimit`, or on stop(); the callee then gets
 * a BYE (or a CANCEL while ringing), and `done` resolves with jambonz's dial outcome so the
 * caller's verb list goes on. One dial at a time per caller; `mute` silences the caller's audio
 * towards the callee while bridged.
 */
import { MediaBridge } from '../../media/index.js';
import type { TimerHandle } from '../../rtp/index.js';
import type { Call, CallEvent } from '../call.js';
import type { DialOutcome, DialRequest, Running } from '../verbs/verb-host.js';
import { startAttempt, type Attempt, type DialPlacer } from './dial-attempt.js';
import { outcome } from './dial-outcome.js';

export type { DialPlacer } from './dial-attempt.js';

export interface DialCapabilityOptions {
  /** Trunk for targets that name none. */
  readonly trunk?: string | undefined;
  /** Forwarded DTMF: tone and gap (ms; defaults 100 and 50). */
  readonly toneMs?: number;
  readonly gapMs?: number;
  /** Digits waiting to be forwarded per direction before more are dropped (default 32). */
  readonly maxPendingDigits?: number;
}

/** What a caller's VerbHost gets: `dial` and `mute` (HostCapabilities' shapes). */
export interface DialCapabilities {
  dial(r: DialRequest): Running<DialOutcome>;
  mute(on: boolean): boolean;
}

type RunState = 'ringing' | 'bridged' | 'ended';

const EDGES: Readonly<Record<RunState, readonly RunState[]>> = {
  ringing: ['bridged', 'ended'],
  bridged: ['ended'],
  ended: [],
};

/** The dial and mute capabilities of `caller`, placing callees through `placer` (the CallManager). */
export function dialCapabilities(
  placer: DialPlacer,
  caller: Call,
  opts: DialCapabilityOptions = {},
): DialCapabilities {
  let current: DialRun | undefined;
  return {
    dial: (r) => {
      current?.stop();
      const run = new DialRun(placer, caller, r, opts);
      current = run;
      void run.done.then(() => {
        if (current === run) current = undefined;
      });
      return run;
    },
    mute: (on) => current?.mute(on) ?? false,
  };
}

/** Only the dial capability (`(r: DialRequest) => Running<DialOutcome>`). */
export function dialCapability(
  placer: DialPlacer,
  caller: Call,
  opts: DialCapabilityOptions = {},
): (r: DialRequest) => Running<DialOutcome> {
  return dialCapabilities(placer, caller, opts).dial;
}

class DialRun implements Running<DialOutcome> {
  readonly done: Promise<DialOutcome>;
  private state: RunState = 'ringing';
  private attempt: Attempt | undefined;
  private bridge: MediaBridge | undefined;
  private endBridge: ((what: string) => void) | undefined;
  private rang = false;

  constructor(
    private readonly placer: DialPlacer,
    private readonly caller: Call,
    private readonly r: DialRequest,
    private readonly opts: DialCapabilityOptions,
  ) {
    this.done = this.run();
  }

  private go(next: RunState): boolean {
    if (!EDGES[this.state].includes(next)) return false;
    this.caller.logger.debug(`dial ${this.state} -> ${next}`, { callId: this.caller.callId });
    this.state = next;
    return true;
  }

  stop(): void {
    if (this.state === 'ringing') {
      this.go('ended');
      this.attempt?.cancel();
    } else if (this.state === 'bridged') this.endBridge?.('dial-stopped');
  }

  mute(on: boolean): boolean {
    if (this.state !== 'bridged' || !this.bridge) return false;
    this.bridge.mute('a', on);
    return true;
  }

  private async run(): Promise<DialOutcome> {
    const headers = Object.entries(this.r.headers);
    let last = outcome('failed', undefined, undefined);
    // The caller hanging up while a target rings cancels it.
    const onCallerEnd = (ev: CallEvent): void => {
      if (ev.type === 'ended') this.stop();
    };
    this.caller.listeners.add(onCallerEnd);
    try {
      for (const target of this.r.targets) {
        if (this.state !== 'ringing' || this.caller.ended) break;
        this.attempt = startAttempt(
          { placer: this.placer, clock: this.caller.clock, logger: this.caller.logger },
          {
            target,
            trunk: this.opts.trunk,
            callerId: this.r.callerId,
            ringMs: this.r.timeout * 1000,
            headers,
            plan: this.r.plan,
            onRinging: () => this.ringCaller(),
          },
        );
        const end = await this.attempt.end;
        this.attempt = undefined;
        if (end.type === 'reached') return await this.bridged(end.call);
        last = end.outcome;
      }
      if (this.state === 'ended' && last.dial_call_status === 'failed')
        last = { ...last, dial_call_status: 'canceled' };
      this.go('ended');
      return last;
    } finally {
      this.caller.listeners.delete(onCallerEnd);
    }
  }

  /** An unanswered caller (answerOnBridge) hears 180 while the callee rings. */
  private ringCaller(): void {
    if (this.rang || !this.r.answerOnBridge) return;
    this.rang = true;
    this.caller.ring();
  }

  /** Bridges the caller with the reached callee until one of them ends it. */
  private bridged(callee: Call): Promise<DialOutcome> {
    const sid = callee.callId;
    const a = this.caller.leg?.stream;
    const b = callee.leg?.stream;
    const answered = !this.r.answerOnBridge || this.caller.answer();
    if (this.state !== 'ringing' || this.caller.ended || callee.ended || !a || !b || !answered) {
      const stopped = this.state === 'ended' || this.caller.ended;
      this.go('ended');
      callee.hangup(16, stopped ? 'dial-caller-gone' : 'dial-failed');
      return Promise.resolve(outcome(stopped ? 'canceled' : 'failed', undefined, sid));
    }
    this.go('bridged');
    const clock = this.caller.clock;
    const startedAt = clock.now();
    const bridge = new MediaBridge(a, b);
    this.bridge = bridge;
    const toCallee = this.forwarder(callee);
    const toCaller = this.forwarder(this.caller);
    const onCaller = (ev: CallEvent): void => {
      if (ev.type === 'digit') toCallee(ev.digit);
      else if (ev.type === 'ended') this.endBridge?.('dial-caller-gone');
    };
    const onCallee = (ev: CallEvent): void => {
      if (ev.type === 'digit') toCaller(ev.digit);
      else if (ev.type === 'ended') this.endBridge?.('dial-callee-gone');
    };
    this.caller.listeners.add(onCaller);
    callee.listeners.add(onCallee);
    let limit: TimerHandle | undefined;
    this.caller.logger.info('dial bridged', { callId: this.caller.callId, callee: sid });
    return new Promise((resolve) => {
      this.endBridge = (what) => {
        if (!this.go('ended')) return;
        this.endBridge = undefined;
        if (limit !== undefined) clock.clearTimeout(limit);
        this.caller.listeners.delete(onCaller);
        callee.listeners.delete(onCallee);
        bridge.unbridge();
        this.bridge = undefined;
        // Digits keyed while bridged were the callee's: the verbs after the dial do not see them.
        this.caller.digits.clear();
        if (!callee.ended) callee.hangup(16, what);
        const seconds = Math.round((clock.now() - startedAt) / 1000);
        this.caller.logger.info('dial bridge ended', {
          callId: this.caller.callId,
          callee: sid,
          what,
          seconds,
        });
        resolve(outcome('completed', 200, sid, seconds));
      };
      if (this.r.timeLimit !== undefined)
        limit = clock.setTimeout(() => this.endBridge?.('dial-time-limit'), this.r.timeLimit * 1000);
    });
  }

  /** Digits to `to`, one at a time with its own DTMF method; a bounded backlog. */
  private forwarder(to: Call): (digit: string) => void {
    const max = this.opts.maxPendingDigits ?? 32;
    const toneMs = this.opts.toneMs ?? 100;
    const gapMs = this.opts.gapMs ?? 50;
    let pending = '';
    let sending = false;
    const pump = async (): Promise<void> => {
      sending = true;
      while (pending !== '' && this.state === 'bridged' && !to.ended) {
        const d = pending[0] as string;
        pending = pending.slice(1);
        await to.sendDigits(d, undefined, toneMs, gapMs);
      }
      pending = '';
      sending = false;
    };
    return (digit) => {
      if (pending.length < max) pending += digit;
      if (!sending) void pump();
    };
  }
}
