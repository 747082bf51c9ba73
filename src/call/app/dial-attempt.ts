/**
 * One target of a `dial` verb, rung until it answers, fails or is cancelled: a number through
 * CallManager.dial (its dialing plan decides when the callee is reached: `reached_extension`
 * for a privacy number, `answered` for a plain one), a SIP URI through CallManager.originate on
 * a trunk (ring timeout: CANCEL, RFC 3261 §9.1). The callee's call is handed back once reached;
 * bridging it is the caller's business.
 */
import type { Clock, TimerHandle } from '../../rtp/index.js';
import type { Call, CallEvent } from '../call.js';
import type { DialStart } from '../dialer.js';
import type { DialSpec } from '../dial-types.js';
import type { CallLogger } from '../leg-context.js';
import type { OriginateOptions, OriginateResult } from '../originate-types.js';
import type { DialOutcome, DialTarget } from '../verbs/verb-host.js';
import { outcome, statusOfPlan, statusOfSip, type LocalStop } from './dial-outcome.js';

/** What places the callee's call: the CallManager. */
export interface DialPlacer {
  /** Live calls by SIP Call-ID (a reached dial's call is found here). */
  readonly calls: ReadonlyMap<string, Call>;
  dial(spec: DialSpec): DialStart;
  originate(o: OriginateOptions): Promise<OriginateResult>;
}

export type AttemptEnd =
  | { readonly type: 'reached'; readonly call: Call }
  | { readonly type: 'failed'; readonly outcome: DialOutcome };

export interface Attempt {
  readonly end: Promise<AttemptEnd>;
  /** Cancels the attempt (CANCEL or BYE); `end` then resolves `canceled`. */
  cancel(): void;
}

export interface AttemptRequest {
  readonly target: DialTarget;
  /** Trunk of the target, else this one. */
  readonly trunk: string | undefined;
  readonly callerId: string | undefined;
  readonly ringMs: number;
  readonly headers: ReadonlyArray<[string, string]>;
  readonly plan: string | undefined;
  /** The callee rings (1xx): the caller may hear it. */
  onRinging(): void;
}

export interface AttemptDeps {
  readonly placer: DialPlacer;
  readonly clock: Clock;
  readonly logger: CallLogger;
}

export function startAttempt(d: AttemptDeps, r: AttemptRequest): Attempt {
  const trunk = r.target.trunk ?? r.trunk;
  if (trunk === undefined)
    return {
      end: Promise.resolve({ type: 'failed', outcome: outcome('failed', undefined, undefined) }),
      cancel: noop,
    };
  return r.target.type === 'phone'
    ? planAttempt(d, r, r.target.number, trunk)
    : sipAttempt(d, r, r.target.sipUri, trunk);
}

const noop = (): void => undefined;

/** A number through the dialer: the plan's result decides. */
function planAttempt(d: AttemptDeps, r: AttemptRequest, number: string, trunk: string): Attempt {
  let stop: LocalStop = 'none';
  let settle: (e: AttemptEnd) => void = noop;
  const end = new Promise<AttemptEnd>((resolve) => (settle = resolve));
  const started = d.placer.dial({
    to: number,
    trunk,
    ...(r.callerId !== undefined ? { from: r.callerId } : {}),
    ...(r.plan !== undefined ? { plan: r.plan } : {}),
    ringTimeoutMs: r.ringMs,
    connected: {
      type: 'bridge',
      onConnected: (id) => {
        const call = d.placer.calls.get(id);
        if (call) settle({ type: 'reached', call });
        else if (started.ok) started.dial.cancel('caller_gone');
      },
    },
  });
  if (!started.ok) {
    d.logger.info('dial target refused', { to: number, trunk, code: started.error.code });
    settle({ type: 'failed', outcome: outcome('failed', undefined, undefined) });
    return { end, cancel: noop };
  }
  const dial = started.dial;
  // The plan's prompt and digits are not the caller's to hear: it hears ringing meanwhile.
  r.onRinging();
  void dial.whenEnded().then(() => {
    const res = dial.result;
    settle({
      type: 'failed',
      outcome: outcome(statusOfPlan(res, stop), res?.sipCode, dial.call?.callId ?? dial.id),
    });
  });
  return {
    end,
    cancel: () => {
      stop = 'stopped';
      dial.cancel('caller_gone');
    },
  };
}

/** A SIP URI through originate: the INVITE's final response decides. */
function sipAttempt(d: AttemptDeps, r: AttemptRequest, uri: string, trunk: string): Attempt {
  let stop: LocalStop = 'none';
  let call: Call | undefined;
  let timer: TimerHandle | undefined;
  let settle: (e: AttemptEnd) => void = noop;
  let settled = false;
  const end = new Promise<AttemptEnd>((resolve) => {
    settle = (e) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) d.clock.clearTimeout(timer);
      call?.listeners.delete(onEvent);
      resolve(e);
    };
  });
  const onEvent = (ev: CallEvent): void => {
    if (ev.type === 'progress') r.onRinging();
    else if (ev.type === 'answered' && call) settle({ type: 'reached', call });
    else if (ev.type === 'ended')
      settle({
        type: 'failed',
        outcome: outcome(statusOfSip(ev.end.sipCode, stop), ev.end.sipCode, call?.callId),
      });
  };
  const hangup = (what: string): void => call?.hangup(what === 'dial-ring-timeout' ? 19 : 16, what);
  void d.placer
    .originate({
      trunk,
      to: uri,
      ...(r.callerId !== undefined ? { from: r.callerId } : {}),
      headers: r.headers,
      onEvent,
    })
    .then((res) => {
      if (!res.ok) {
        d.logger.info('dial target not placed', { to: uri, trunk, code: res.code });
        return settle({ type: 'failed', outcome: outcome('failed', undefined, undefined) });
      }
      call = res.call;
      if (stop === 'stopped') return hangup('dial-cancelled');
      timer = d.clock.setTimeout(() => {
        timer = undefined;
        stop = 'ring-timeout';
        hangup('dial-ring-timeout');
      }, r.ringMs);
    });
  return {
    end,
    cancel: () => {
      if (settled) return;
      stop = 'stopped';
      hangup('dial-cancelled');
    },
  };
}
