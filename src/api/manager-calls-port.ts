/**
 * The REST API's CallsPort over the call layer: `POST /v1/calls` is CallManager.dial (privacy
 * numbers through their dialing plan, the trunk's limits and queue), `GET /v1/calls/:id` the
 * dial's state, its plan's progress and, once over, its outcome and CDR; `DELETE` cancels the
 * dial wherever it is (queued, dialing, connected). Inbound calls are listed and can be hung up.
 * Dial refusals keep their codes: `queue_full` becomes 429 with Retry-After.
 */
import { validateVerbs } from '../call/index.js';
import type {
  AppRunner,
  Call,
  CallManager,
  DialError,
  DialSpec,
  ManagerEvent,
  OutboundDial,
} from '../call/index.js';
import type {
  CallCommand,
  CallDetail,
  CallEvent,
  CallFilter,
  CallsPort,
  CallSummary,
  OriginateRequest,
  PortError,
  PortResult,
} from './rest/calls-port.js';

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/** Dial refusal → API error (the status comes from STATUS_OF). */
export function portErrorOf(e: DialError): PortError {
  const base = { message: e.message };
  switch (e.code) {
    case 'queue_full':
      return { code: 'queue_full', ...base, retryAfterSeconds: e.retryAfterSeconds ?? 1 };
    case 'too_many_dials':
      return { code: 'queue_full', ...base, retryAfterSeconds: 1 };
    case 'invalid_number':
      return { code: 'invalid_number', ...base, ...(e.reason ? { detail: { reason: e.reason } } : {}) };
    case 'unknown_trunk':
    case 'unknown_plan':
    case 'draining':
    case 'unavailable':
    case 'bad_request':
      return { code: e.code, ...base, ...(e.reason ? { detail: { reason: e.reason } } : {}) };
    case 'unknown_platform':
      return { code: 'unknown_plan', ...base, detail: { reason: 'unknown_platform' } };
    case 'unknown_app':
      return { code: 'invalid_verbs', ...base };
  }
}

/** What the port needs of the verbs runners: the live runner of a call (redirect, mute, hangup). */
export interface RunnerSource {
  runner(callId: string): AppRunner | undefined;
}

export class ManagerCallsPort implements CallsPort {
  constructor(
    private readonly manager: CallManager,
    private readonly runners?: RunnerSource,
  ) {}

  originate(req: OriginateRequest): Promise<PortResult<CallSummary>> {
    // Inline verbs are checked before any call is placed (every problem named).
    if (req.application && 'verbs' in req.application) {
      const v = validateVerbs(req.application.verbs);
      if (!v.ok)
        return Promise.resolve({
          ok: false,
          error: { code: 'invalid_verbs', message: v.message, detail: { issues: v.issues } },
        });
    }
    const spec: DialSpec = {
      to: req.to,
      trunk: req.trunk,
      from: req.from,
      plan: req.plan,
      platform: req.platform,
      ringTimeoutMs: req.ringTimeoutSeconds === undefined ? undefined : req.ringTimeoutSeconds * 1000,
      // The verbs API takes a connected call that has an application; none means hang up.
      connected: req.application
        ? { type: 'external', spec: req.application as Readonly<Record<string, unknown>> }
        : { type: 'hangup' },
      tag: req.tag,
    };
    const r = this.manager.dial(spec);
    return Promise.resolve(
      r.ok ? { ok: true, value: dialSummary(r.dial) } : { ok: false, error: portErrorOf(r.error) },
    );
  }

  list(filter: CallFilter): CallSummary[] {
    const out: CallSummary[] = [];
    const dialer = this.manager.dialer;
    if (filter.direction !== 'inbound' && dialer)
      for (const d of dialer.live.values()) {
        if (out.length >= filter.limit) return out;
        if (filter.state === undefined || d.state === filter.state) out.push(dialSummary(d));
      }
    if (filter.direction !== 'outbound')
      for (const c of this.manager.calls.values()) {
        if (out.length >= filter.limit) break;
        if (c.direction !== 'inbound') continue;
        if (filter.state === undefined || c.state === filter.state) out.push(callSummary(c));
      }
    return out;
  }

  get(id: string): CallDetail | undefined {
    const d = this.manager.dialer?.get(id);
    if (d) return dialDetail(d);
    const c = this.manager.calls.get(id);
    return c ? { ...callSummary(c), ...(c.cdr ? { cdr: c.cdr } : {}) } : undefined;
  }

  async command(id: string, cmd: CallCommand): Promise<PortResult<CallSummary>> {
    const dial = this.manager.dialer?.get(id);
    const call = dial ? dial.call : this.manager.calls.get(id);
    if (!dial && !call) return fail('not_found', `no call ${id}`);
    const summary = (): CallSummary => (dial ? dialSummary(dial) : callSummary(call!));
    const runner = call && !call.ended ? this.runners?.runner(call.callId) : undefined;
    if (cmd.action !== 'hangup') {
      if (!runner) return fail('conflict', `call ${id} runs no verbs application (only hangup is available)`);
      if (cmd.action === 'mute' || cmd.action === 'unmute') {
        if (!runner.mute(cmd.action === 'mute')) return fail('conflict', `call ${id} has nothing to mute`);
        return { ok: true, value: summary() };
      }
      const to = cmd.verbs ? { verbs: cmd.verbs } : cmd.webhook ? { hook: cmd.webhook } : undefined;
      if (!to) return fail('bad_request', 'redirect needs verbs or webhook');
      const r = await runner.redirect(to);
      if (!r.ok)
        return {
          ok: false,
          error: {
            code: 'invalid_verbs',
            message: r.message,
            ...(r.issues ? { detail: { issues: r.issues } } : {}),
          },
        };
      return { ok: true, value: summary() };
    }
    if (dial) {
      const r = this.manager.dialer!.cancel(id, 'api_hangup');
      if (r !== 'ok') return fail('conflict', `call ${id} has already ended`);
      return { ok: true, value: dialSummary(dial) };
    }
    if (call!.ended) return fail('conflict', `call ${id} has already ended`);
    if (runner) runner.hangup(16);
    else {
      call!.executor.kill();
      call!.hangup(16, 'api-hangup');
    }
    return { ok: true, value: callSummary(call!) };
  }

  subscribe(listener: (ev: CallEvent) => void): () => void {
    return this.manager.subscribe((ev: ManagerEvent) =>
      listener({
        type: ev.type,
        callId: ev.callId,
        time: new Date(ev.time).toISOString(),
        ...(ev.data ? { data: { ...ev.data } } : {}),
      }),
    );
  }
}

function fail(code: PortError['code'], message: string): PortResult<CallSummary> {
  return { ok: false, error: { code, message } };
}

function dialSummary(d: OutboundDial): CallSummary {
  const answered = d.call?.cdr?.answer ?? undefined;
  return {
    id: d.id,
    direction: 'outbound',
    state: d.state,
    from: d.from ?? '',
    to: d.job.requestUser,
    trunk: d.trunk,
    startedAt: iso(d.createdAt)!,
    ...(answered ? { answeredAt: answered } : {}),
    ...(d.endedAt !== undefined ? { endedAt: iso(d.endedAt)! } : {}),
  };
}

/** A dial: where its plan is, then its outcome (timings, attempts, digits) and the CDR. */
function dialDetail(d: OutboundDial): CallDetail {
  const r = d.result;
  return {
    ...dialSummary(d),
    platform: d.job.platform.name,
    plan: d.job.plan,
    extension: d.job.number.extension ?? null,
    sipCallId: d.call?.callId ?? null,
    step: d.step ?? null,
    attempts: d.attempts,
    heard: [...d.heard],
    outcome: r?.outcome ?? null,
    detail: r?.detail ?? null,
    sipCode: r?.sipCode ?? null,
    reason: r?.reason ?? null,
    timings: r?.timings ?? null,
    digits: r?.digits ?? [],
    cancelled: d.cancelled ?? null,
    connected: d.connectedAction.type,
    application: d.application ?? null,
    tag: d.spec.tag ?? null,
    cdr: d.cdr ?? null,
  };
}

function callSummary(c: Call): CallSummary {
  return {
    id: c.callId,
    direction: c.direction,
    state: c.state,
    from: c.party.from,
    to: c.party.to,
    ...(c.trunk !== null ? { trunk: c.trunk } : {}),
    startedAt: iso(c.startedAt)!,
    ...(c.cdr?.answer ? { answeredAt: c.cdr.answer } : {}),
    ...(c.cdr?.end ? { endedAt: c.cdr.end } : {}),
  };
}
