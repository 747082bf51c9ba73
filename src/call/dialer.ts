/**
 * The dialer behind CallManager.dial: resolves a request against the dialing profiles (number,
 * carrier profile of the SIP trunk, platform by X, plan), applies the trunk's origination limits
 * (concurrency, calls per second, bounded queue), runs each dial, keeps the table of dials
 * (bounded, ended ones kept a while for GET), and reports events, results and CDR sections.
 */
import { randomUUID } from 'node:crypto';
import {
  bindTrunk,
  isDialUri,
  resolveDial,
  resolveDirect,
  trunkProfileFor,
  type BoundTrunk,
  type CancelCause,
  type DialingProfiles,
  type DialJob,
  type DialResult,
  type ResolveError,
} from '../dialing/index.js';
import type { FingerprintReference, SignalPrimitives } from '../media/index.js';
import type { Clock } from '../rtp/index.js';
import type { AppSpec, TrunkMedia } from './call-types.js';
import type { Call } from './call.js';
import type { Cdr } from './cdr.js';
import { CallDialControl, cachedReference, NATIVE_PRIMITIVES } from './dial-control.js';
import type { DialError, DialSpec, ManagerEvent } from './dial-types.js';
import type { CallLogger } from './leg-context.js';
import type { OriginateSip, Originator } from './originate-types.js';
import { OutboundDial, type DialHost } from './outbound-dial.js';
import { TrunkLimiter, type TrunkGateStats } from './trunk-limiter.js';

export interface DialerOptions {
  readonly profiles: DialingProfiles;
  /** SIP trunk → carrier profile name (default: the profile named like the trunk, else defaults). */
  readonly trunkProfiles?: Readonly<Record<string, string>>;
  /** Dials alive at once, queued included (default 10,000). */
  readonly maxDials?: number;
  /** Longest wait in a trunk's queue (default 60 s). */
  readonly maxQueueWaitMs?: number;
  /** Longest an `external` connected call is kept up (default 1 h). */
  readonly connectedMaxMs?: number;
  /** Longest connected steps wait for a 200 after an early-media reach (default 30 s). */
  readonly answerWaitMs?: number;
  /** Ended dials kept for GET: how many and how long (defaults 1000, 10 min). */
  readonly keepEnded?: number;
  readonly keepEndedMs?: number;
  readonly learnHistoryMs?: number;
  readonly primitives?: SignalPrimitives;
  /** Keyword spotting's pacing (least ms between RECOGNIZEs, no-input ms of each). */
  readonly keywords?: { readonly minIntervalMs?: number; readonly noInputMs?: number };
  /** Each plan's result (metrics per platform and outcome). */
  readonly onResult?: (r: DialResult, dial: OutboundDial) => void;
  /** A dial reached its callee with an `external` action: the verbs API takes it. */
  readonly onConnected?: (dial: OutboundDial) => void;
}

/** What the dialer needs from the call manager. */
export interface DialerHost {
  readonly originator: Originator;
  readonly clock: Clock;
  readonly logger: CallLogger;
  /** Calls have speech (an MRCP client): a plan's `keyword` prompt detection can run. */
  readonly speech?: boolean;
  trunkNames(): string[];
  trunkDomain(name: string): string | undefined;
  app(name: string): AppSpec | undefined;
  runApp(call: Call, app: AppSpec): void;
  emit(ev: ManagerEvent): void;
  writeCdr(cdr: Cdr): void;
  draining(): boolean;
  dialEnded(): void;
}

export type DialStart = { ok: true; dial: OutboundDial } | { ok: false; error: DialError };

export interface DialCounters {
  requested: number;
  refused: Record<string, number>;
  outcomes: Record<string, number>;
}

interface InviteExtras {
  from?: string;
  headers: [string, string][];
  media?: Partial<TrunkMedia>;
  sip?: OriginateSip;
}

const CALLER = /^\+?[0-9A-Za-z._-]{1,64}$/;

export class Dialer {
  private profiles: DialingProfiles;
  private readonly views = new Map<string, { profile: BoundTrunk; set: DialingProfiles }>();
  private readonly limiter: TrunkLimiter;
  readonly live = new Map<string, OutboundDial>();
  private readonly ended = new Map<string, OutboundDial>();
  private readonly byCall = new Map<string, OutboundDial>();
  private readonly invites = new WeakMap<OutboundDial, InviteExtras>();
  private readonly refs = new Map<string, FingerprintReference>();
  readonly counters: DialCounters = { requested: 0, refused: {}, outcomes: {} };
  private readonly dialHost: DialHost;

  constructor(
    private readonly host: DialerHost,
    private readonly opts: DialerOptions,
  ) {
    this.profiles = opts.profiles;
    this.limiter = new TrunkLimiter({ clock: host.clock, maxWaitMs: opts.maxQueueWaitMs ?? 60_000 });
    this.dialHost = this.makeDialHost();
    this.warmReferences();
  }

  /** Builds every platform's prompt references now, not on a platform's first dial (see cachedReference). */
  private warmReferences(): void {
    const prims = this.opts.primitives ?? NATIVE_PRIMITIVES;
    for (const pf of this.profiles.platforms)
      for (const r of pf.recordingFiles)
        cachedReference(this.refs, `${pf.name}/${r.label}`, r.label, r.file, prims, this.host.logger);
  }

  /** New profiles (SIGHUP): dials already running keep the job they resolved. */
  setProfiles(p: DialingProfiles): void {
    this.profiles = p;
    this.views.clear();
    this.refs.clear();
    this.warmReferences();
  }

  get dialingProfiles(): DialingProfiles {
    return this.profiles;
  }

  dial(spec: DialSpec): DialStart {
    this.counters.requested++;
    const r = this.prepare(spec);
    if (!r.ok) this.counters.refused[r.error.code] = (this.counters.refused[r.error.code] ?? 0) + 1;
    return r;
  }

  private prepare(spec: DialSpec): DialStart {
    if (this.host.draining()) return fail('draining', 'voicegate is shutting down; no new calls');
    if (this.live.size >= (this.opts.maxDials ?? 10_000))
      return fail('too_many_dials', `${this.live.size} dials in progress, the most allowed`);
    const view = this.view(spec.trunk);
    if (!view.ok) return view;
    const { profile, set } = view.value;
    const resolved =
      typeof spec.to === 'string' && isDialUri(spec.to)
        ? resolveDirect(set, { uri: spec.to, trunk: spec.trunk })
        : resolveDial(set, {
            to: spec.to,
            trunk: spec.trunk,
            ...(spec.platform !== undefined ? { platform: spec.platform } : {}),
            ...(spec.plan !== undefined ? { plan: spec.plan } : {}),
          });
    if (!resolved.ok) return { ok: false, error: resolveError(resolved.error) };
    let job: DialJob = resolved.value;
    if (spec.ringTimeoutMs !== undefined) {
      const ms = spec.ringTimeoutMs;
      job = { ...job, steps: job.steps.map((s) => (s.type === 'waitFor' ? { ...s, timeoutMs: ms } : s)) };
    }
    let connected = spec.connected;
    if (connected?.type === 'app' && typeof connected.app === 'string') {
      const app = this.host.app(connected.app);
      if (!app) return fail('unknown_app', `no application "${connected.app}" in calls.apps`);
      connected = { type: 'app', app };
    }
    const caller = spec.from ?? profile.callerId.number;
    if (caller !== undefined && !CALLER.test(caller))
      return fail('bad_request', 'from: digits (optionally +), letters, . _ - only, at most 64');
    const dial = new OutboundDial(randomUUID(), { ...spec, connected }, job, caller, this.dialHost);
    this.invites.set(dial, this.inviteExtras(spec.trunk, profile, caller));
    const admission = this.limiter.request(spec.trunk, profile.limits, dial);
    if (admission.status === 'full')
      return {
        ok: false,
        error: {
          code: 'queue_full',
          message: admission.message,
          retryAfterSeconds: admission.retryAfterSeconds,
        },
      };
    this.live.set(dial.id, dial);
    this.host.logger.info('dial requested', {
      callId: dial.id,
      trunk: spec.trunk,
      platform: job.platform.name,
      plan: job.plan,
      to: job.requestUser,
      queued: admission.status === 'queued',
    });
    if (admission.status === 'admitted') dial.admit(admission.release);
    else {
      dial.waitInQueue(admission.cancel);
      this.emit(dial, 'call.queued', { position: admission.position });
    }
    return { ok: true, dial };
  }

  /** The carrier profile of a SIP trunk and the profile set it resolves in (cached per trunk). */
  private view(
    trunk: string,
  ): { ok: true; value: { profile: BoundTrunk; set: DialingProfiles } } | { ok: false; error: DialError } {
    const hit = this.views.get(trunk);
    if (hit) return { ok: true, value: hit };
    const names = this.host.trunkNames();
    if (!names.includes(trunk))
      return fail('unknown_trunk', `no trunk "${trunk}" (known: ${names.slice(0, 20).join(', ') || 'none'})`);
    const profile = trunkProfileFor(this.profiles, trunk, this.opts.trunkProfiles);
    if (!profile)
      return fail(
        'unknown_trunk',
        `trunk "${trunk}" maps to carrier profile "${this.opts.trunkProfiles?.[trunk]}", which is not loaded`,
      );
    const value = { profile, set: bindTrunk(this.profiles, trunk, profile) };
    if (this.views.size < 1000) this.views.set(trunk, value);
    return { ok: true, value };
  }

  /** Caller ID per the carrier profile (From, P-Asserted-Identity or both) and its media options. */
  private inviteExtras(trunk: string, profile: BoundTrunk, caller: string | undefined): InviteExtras {
    const headers: [string, string][] = [];
    const x: InviteExtras = { headers };
    if (caller !== undefined) {
      const mode = profile.callerId.header;
      if (mode !== 'pai') x.from = caller;
      if (mode !== 'from')
        headers.push(['P-Asserted-Identity', `<sip:${caller}@${this.host.trunkDomain(trunk)}>`]);
    }
    // A trunk without a profile file keeps the call layer's media options for it.
    if (profile.file !== '<defaults>')
      x.media = {
        codecs: profile.codecs,
        telephoneEvent: profile.dtmf.methods.includes('rfc4733'),
        infoContentType: profile.dtmf.infoContentType,
      };
    if (profile.file !== '<defaults>')
      x.sip = {
        prack: profile.rel100 === 'none' ? 'disabled' : profile.rel100,
        sessionTimer: { enabled: profile.sessionTimer.enabled, expires: profile.sessionTimer.seconds },
      };
    return x;
  }

  private makeDialHost(): DialHost {
    const opts = this.opts;
    return {
      clock: this.host.clock,
      logger: this.host.logger,
      connectedMaxMs: opts.connectedMaxMs ?? 3_600_000,
      answerWaitMs: opts.answerWaitMs ?? 30_000,
      control: (dial, hooks) => {
        const x = this.invites.get(dial) ?? { headers: [] };
        return new CallDialControl(this.host.originator, this.host.clock, {
          logger: this.host.logger,
          referenceCache: this.refs,
          ...(opts.learnHistoryMs !== undefined ? { learnHistoryMs: opts.learnHistoryMs } : {}),
          ...(opts.primitives ? { primitives: opts.primitives } : {}),
          ...(x.from !== undefined ? { from: x.from } : {}),
          headers: x.headers,
          ...(x.media ? { media: x.media } : {}),
          ...(x.sip ? { sip: x.sip } : {}),
          onOriginated: hooks.onOriginated,
          onCallEvent: hooks.onCallEvent,
          ...(this.host.speech ? { keywords: opts.keywords ?? {} } : {}),
        });
      },
      runApp: (call, app) => this.host.runApp(call, app),
      emit: (dial, type, data) => this.emit(dial, type, data),
      result: (dial, r) => {
        const key = `${r.platform}/${r.outcome}`;
        if (key in this.counters.outcomes || Object.keys(this.counters.outcomes).length < 256)
          this.counters.outcomes[key] = (this.counters.outcomes[key] ?? 0) + 1;
        try {
          opts.onResult?.(r, dial);
        } catch (err) {
          this.host.logger.error('onResult threw', { error: (err as Error).message });
        }
      },
      bindCall: (dial, call) => this.byCall.set(call.callId, dial),
      writeCdr: (cdr) => this.host.writeCdr(cdr),
      ended: (dial) => this.dialEnded(dial),
      ...(opts.onConnected ? { connected: opts.onConnected } : {}),
    };
  }

  private emit(dial: OutboundDial, type: string, data?: Record<string, unknown>): void {
    const clean = data && Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
    this.host.emit({ type, callId: dial.id, time: this.host.clock.now(), ...(clean ? { data: clean } : {}) });
  }

  private dialEnded(dial: OutboundDial): void {
    this.live.delete(dial.id);
    if (dial.call) this.byCall.delete(dial.call.callId);
    this.ended.set(dial.id, dial);
    this.prune();
    this.host.dialEnded();
  }

  private prune(): void {
    const max = this.opts.keepEnded ?? 1000;
    const oldest = this.host.clock.now() - (this.opts.keepEndedMs ?? 600_000);
    for (const [id, d] of this.ended) {
      if (this.ended.size <= max && (d.endedAt ?? 0) >= oldest) break;
      this.ended.delete(id);
    }
  }

  /** A dial by id, alive or recently ended. */
  get(id: string): OutboundDial | undefined {
    this.prune();
    return this.live.get(id) ?? this.ended.get(id);
  }

  /** The dial a call belongs to. */
  ofCall(call: Call): OutboundDial | undefined {
    return this.byCall.get(call.callId);
  }

  /** The CDR of a dial's call, with its dialing section, once the plan has a result (bounded wait). */
  decorate(call: Call, cdr: Cdr): Promise<Cdr> | undefined {
    const dial = this.byCall.get(call.callId);
    if (!dial) return undefined;
    return dial.settled(2000).then(() => ({ ...cdr, dialing: dial.cdrDialing() }));
  }

  /** The call's CDR was written: its dial is over. */
  cdrWritten(call: Call, cdr: Cdr): void {
    this.byCall.get(call.callId)?.finish(cdr);
  }

  /** Cancels one dial; `not_found` / `ended` when there is nothing to cancel. */
  cancel(id: string, cause: CancelCause): 'ok' | 'not_found' | 'ended' {
    const d = this.live.get(id);
    if (!d) return this.ended.has(id) ? 'ended' : 'not_found';
    return d.cancel(cause) ? 'ok' : 'ended';
  }

  /** Drain: queued dials will not start; running ones go on. */
  cancelQueued(cause: CancelCause): void {
    for (const d of [...this.live.values()]) if (d.state === 'queued') d.cancel(cause);
  }

  cancelAll(cause: CancelCause): void {
    for (const d of [...this.live.values()]) d.cancel(cause);
  }

  trunkStats(): Record<string, TrunkGateStats> {
    return this.limiter.stats();
  }

  summary(): string {
    let queued = 0;
    for (const d of this.live.values()) if (d.state === 'queued') queued++;
    return `dials=${this.live.size} queued=${queued}`;
  }
}

function fail(code: DialError['code'], message: string): { ok: false; error: DialError } {
  return { ok: false, error: { code, message } };
}

function resolveError(e: ResolveError): DialError {
  switch (e.code) {
    case 'unknown_trunk':
    case 'unknown_plan':
    case 'unknown_platform':
      return { code: e.code, message: e.message };
    case 'extension_in_request_unsupported':
    case 'digits_invalid':
      return { code: 'bad_request', message: e.message, reason: e.code };
    default:
      return { code: 'invalid_number', message: e.message, reason: e.code };
  }
}
