/**
 * The call manager: takes the SIP stack's incoming INVITEs, routes each by trunk and called
 * number to an application, runs it on a Call, places outbound calls, keeps the calls table
 * (bounded), writes one CDR per call, and drains or stops the calls at shutdown.
 */
import { hostname } from 'node:os';
import { systemClock, type Clock, type RtpSessionOptions } from '../rtp/index.js';
import { MediaStream, type FrameClock, type InbandDetect, type StreamRate } from '../media/index.js';
import { SipStackError, type IncomingCall, type SipStack, type Uri } from '../sip/index.js';
import { DEFAULT_TRUNK_MEDIA, type AppSpec, type RouteSpec, type TrunkMedia } from './call-types.js';
import { Call } from './call.js';
import type { Cdr } from './cdr.js';
import { Dialer, type DialerOptions, type DialStart } from './dialer.js';
import type { DialSpec, ManagerEvent } from './dial-types.js';
import { ClipCache } from './clip-cache.js';
import { bump, newCallCounters, type CallCounters } from './counters.js';
import type { CallLogger, LegContext } from './leg-context.js';
import { Leg } from './leg.js';
import type { LegEnd } from './leg-state.js';
import { reasonHeader, type Q850Cause } from './q850.js';
import type { OriginateOptions, OriginateResult } from './originate-types.js';
import { Router } from './router.js';
import type { CallSpeechOptions } from './speech/speech-types.js';

export interface CallManagerOptions {
  readonly stack: SipStack;
  readonly frameClock: FrameClock;
  /** RTP options shared by every leg: pool, host, counters, inactivity timeout, jitter buffer... */
  readonly rtp: RtpSessionOptions;
  /** PCM rate applications work at (default 8000). */
  readonly rate?: StreamRate | 'codec';
  readonly inbandDetect?: InbandDetect;
  /** Media options per trunk name; `defaultMedia` for the rest. */
  readonly trunkMedia?: Readonly<Record<string, Partial<TrunkMedia>>>;
  readonly defaultMedia?: Partial<TrunkMedia>;
  readonly apps: readonly AppSpec[];
  readonly routes: readonly RouteSpec[];
  readonly promptsDir: string;
  readonly recordingsDir: string;
  /** Most calls at once (in and out); beyond, 503 (default 10,000). */
  readonly maxCalls?: number;
  readonly clipCacheBytes?: number;
  readonly maxClipBytes?: number;
  readonly agentHost?: string;
  readonly clock?: Clock;
  readonly logger?: CallLogger;
  /** Where the CDR line goes (default: `logger`). */
  readonly cdrLogger?: CallLogger;
  readonly onCdr?: (cdr: Cdr) => void;
  /** Speech for say and gather: the MRCP client and defaults. */
  readonly speech?: CallSpeechOptions;
  /** What runs a call instead of its application's steps (the verbs API's runner); undefined: the steps. */
  readonly appBody?: (call: Call, app: AppSpec) => (() => Promise<unknown>) | undefined;
  /** Outbound dialing (privacy numbers, plans, per-trunk limits); without it dial() is unavailable. */
  readonly dialing?: DialerOptions;
}

const noop = (): void => undefined;
const silent: CallLogger = { debug: noop, info: noop, warn: noop, error: noop };

function userOf(uri: Uri | null | undefined): string {
  if (!uri) return '';
  if (uri.type === 'sip') return uri.user ?? '';
  if (uri.type === 'tel') return uri.number;
  return '';
}

export class CallManager {
  readonly counters: CallCounters = newCallCounters();
  readonly calls = new Map<string, Call>();
  private readonly router: Router;
  private readonly apps: Map<string, AppSpec>;
  private readonly clips: ClipCache;
  private readonly legCtx: LegContext;
  private readonly log: CallLogger;
  private readonly clock: Clock;
  private draining = false;
  private drainWaiters: Array<() => void> = [];
  private readonly subscribers = new Set<(ev: ManagerEvent) => void>();
  /** Outbound dials (dial()); undefined when no dialing profiles were given. */
  readonly dialer: Dialer | undefined;

  constructor(private readonly opts: CallManagerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? silent;
    this.router = new Router(opts.routes);
    this.apps = new Map(opts.apps.map((a) => [a.name, a]));
    for (const r of opts.routes) {
      if (!this.apps.has(r.app)) throw new RangeError(`route names an unknown application "${r.app}"`);
    }
    this.clips = new ClipCache(opts.clipCacheBytes, opts.maxClipBytes);
    this.legCtx = {
      stack: opts.stack,
      frameClock: opts.frameClock,
      rtp: { clock: this.clock, logger: this.log, ...opts.rtp },
      rate: opts.rate ?? 8000,
      inbandDetect: opts.inbandDetect ?? 'auto',
      agentHost: opts.agentHost ?? hostname(),
      clock: this.clock,
      logger: this.log,
    };
    this.dialer = opts.dialing
      ? new Dialer(
          {
            originator: this,
            clock: this.clock,
            logger: this.log,
            speech: opts.speech !== undefined,
            trunkNames: () => [...opts.stack.trunks.keys()],
            trunkDomain: (name) => opts.stack.trunks.get(name)?.domain,
            app: (name) => this.apps.get(name),
            runApp: (call, app) => this.run(call, app),
            emit: (ev) => this.publish(ev),
            writeCdr: (cdr) => this.writeCdr(undefined, cdr),
            draining: () => this.draining,
            dialEnded: () => this.checkDrained(),
          },
          opts.dialing,
        )
      : undefined;
    opts.stack.delegate = {
      ...opts.stack.delegate,
      onInvite: (ic) =>
        void this.onInvite(ic).catch((err: Error) => {
          // A bug must not leave the caller hanging: answer 500 and say why in the log.
          this.log.error('incoming call failed', { callId: ic.callId, error: err.message, stack: err.stack });
          ic.reject(500, { headers: [['Reason', reasonHeader(41)]] });
        }),
    };
  }

  mediaFor(trunk: string | null): TrunkMedia {
    const t = trunk !== null ? this.opts.trunkMedia?.[trunk] : undefined;
    return { ...DEFAULT_TRUNK_MEDIA, ...this.opts.defaultMedia, ...t };
  }

  private deps(): ConstructorParameters<typeof Call>[4] {
    return {
      clock: this.clock,
      logger: this.log,
      clips: this.clips,
      promptsDir: this.opts.promptsDir,
      recordingsDir: this.opts.recordingsDir,
      speech: this.opts.speech,
      onEnded: (call, cdr) => this.callEnded(call, cdr),
    };
  }

  private async openStream(): Promise<MediaStream | undefined> {
    const r = await MediaStream.open({
      rtp: this.legCtx.rtp,
      frameClock: this.opts.frameClock,
      rate: this.legCtx.rate,
      inbandDetect: this.legCtx.inbandDetect,
      logger: this.log,
    });
    if (!r.ok) {
      this.log.warn('no media port', { code: r.code, message: r.message });
      return undefined;
    }
    return r.stream;
  }

  private refuse(ic: IncomingCall, status: number, cause: Q850Cause): void {
    bump(this.counters.callsRefused, String(status));
    ic.reject(status, { headers: [['Reason', reasonHeader(cause)]] });
  }

  private async onInvite(ic: IncomingCall): Promise<void> {
    if (this.draining) return this.refuse(ic, 503, 41);
    const max = this.opts.maxCalls ?? 10_000;
    if (this.calls.size >= max) return this.refuse(ic, 503, 34);
    const called = userOf(ic.core.requestUri) || userOf(ic.core.to.uri);
    const appName = this.router.route(ic.trunk, called);
    const app = appName !== undefined ? this.apps.get(appName) : undefined;
    if (!app) {
      this.log.info('no route', { callId: ic.callId, trunk: ic.trunk, called });
      return this.refuse(ic, 404, 1);
    }
    const call = new Call(
      ic.callId,
      'inbound',
      ic.trunk,
      { from: userOf(ic.core.from.uri), to: called },
      this.deps(),
    );
    this.track(call);
    this.publish({
      type: 'call.incoming',
      callId: call.callId,
      time: this.clock.now(),
      data: { trunk: ic.trunk, from: call.party.from, to: called, app: app.name },
    });
    this.log.info('incoming call', {
      callId: ic.callId,
      trunk: ic.trunk,
      from: call.party.from,
      to: called,
      app: app.name,
    });
    const stream = await this.openStream();
    if (!stream) {
      ic.reject(503, { headers: [['Reason', reasonHeader(47)]] });
      return call.failWithoutLeg({
        by: 'local',
        sipCode: 503,
        q850: 47,
        reason: reasonHeader(47),
        what: 'no-media-port',
      });
    }
    const leg = new Leg(this.legCtx, 'inbound', ic.callId, ic.trunk, this.mediaFor(ic.trunk), stream);
    call.attach(leg);
    this.wireDigits(call);
    ic.delegate = {
      onEnded: (status) => leg.incomingEnded(status),
      onUpdate: (req) => leg.earlyUpdate(req),
    };
    if (ic.state === 'ended') {
      // CANCELled while the port was being opened.
      leg.transition('proceeding');
      return leg.incomingEnded(487);
    }
    if (!leg.takeInvite(ic)) return;
    this.run(call, app);
  }

  private run(call: Call, app: AppSpec): void {
    call.runApp(app, this.opts.appBody?.(call, app)).catch((err: Error) => {
      this.log.error('application failed', { callId: call.callId, app: app.name, error: err.message });
      call.hangup(41, 'app-error');
    });
  }

  private wireDigits(call: Call): void {
    call.listeners.add((ev) => {
      if (ev.type === 'digit') bump(this.counters.digitsReceived, ev.source);
      else if (ev.type === 'answered') this.counters.callsAnswered++;
      // A dial reports its own call's events, under the dial's id.
      if (this.subscribers.size === 0 || this.dialer?.ofCall(call)) return;
      const time = this.clock.now();
      if (ev.type === 'answered') this.publish({ type: 'call.answered', callId: call.callId, time });
      else if (ev.type === 'progress')
        this.publish({
          type: 'call.progress',
          callId: call.callId,
          time,
          data: { sipCode: ev.status, earlyMedia: ev.earlyMedia },
        });
      else if (ev.type === 'digit')
        this.publish({
          type: 'call.dtmf',
          callId: call.callId,
          time,
          data: { digit: ev.digit, source: ev.source },
        });
    });
  }

  /** Every call and dial event (for /v1/events); returns the unsubscribe function. */
  subscribe(listener: (ev: ManagerEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /** Sends an event to every subscriber (the verbs runner publishes verb and app events here too). */
  publish(ev: ManagerEvent): void {
    for (const l of this.subscribers) {
      try {
        l(ev);
      } catch (err) {
        this.log.error('event subscriber threw', { type: ev.type, error: (err as Error).message });
      }
    }
  }

  /**
   * Places a call to a privacy or plain number through a trunk: number normalised per the
   * trunk's carrier profile, the platform's plan (chosen by X, generic fallback) or an override,
   * the trunk's limits and queue, then the connected action. Synchronous: the dial is queued or
   * dialing when this returns, or a coded refusal says why not.
   */
  dial(spec: DialSpec): DialStart {
    if (!this.dialer)
      return { ok: false, error: { code: 'unavailable', message: 'outbound dialing is not configured' } };
    return this.dialer.dial(spec);
  }

  private track(call: Call): void {
    this.calls.set(call.callId, call);
    this.counters.callsActive = this.calls.size;
    bump(this.counters.callsStarted, call.direction);
  }

  /** Places a call on a trunk; the result's call reports progress through `onEvent`. */
  async originate(o: OriginateOptions): Promise<OriginateResult> {
    if (this.draining) return { ok: false, code: 'draining', message: 'the call manager is draining' };
    if (this.calls.size >= (this.opts.maxCalls ?? 10_000)) {
      return { ok: false, code: 'too_many_calls', message: 'call table full' };
    }
    const stream = await this.openStream();
    if (!stream) return { ok: false, code: 'no_media', message: 'no RTP port' };
    const media = { ...this.mediaFor(o.trunk), ...o.media };
    const pre = new Leg(this.legCtx, 'outbound', '', o.trunk, media, stream);
    const offer = pre.makeOffer();
    let oc;
    try {
      oc = this.opts.stack.invite({
        trunk: o.trunk,
        to: o.to,
        ...(o.from !== undefined ? { from: o.from } : {}),
        ...(offer ? { body: Buffer.from(offer) } : {}),
        ...(o.headers ? { headers: o.headers } : {}),
        ...(o.sip?.prack ? { prack: o.sip.prack } : {}),
        ...(o.sip?.sessionTimer ? { sessionTimer: { ...o.sip.sessionTimer } } : {}),
      });
    } catch (err) {
      await stream.close('no call');
      const e = err as SipStackError;
      return { ok: false, code: e instanceof SipStackError ? e.code : 'overloaded', message: e.message };
    }
    const leg = pre;
    leg.callId = oc.callId;
    const call = new Call(oc.callId, 'outbound', o.trunk, { from: o.from ?? '', to: o.to }, this.deps());
    if (o.onEvent) call.listeners.add(o.onEvent);
    this.track(call);
    call.attach(leg);
    this.wireDigits(call);
    leg.startOutgoing(oc);
    if (o.app) {
      const app = o.app;
      call.listeners.add((ev) => {
        if (ev.type === 'answered') this.run(call, app);
      });
    }
    this.log.info('outgoing call', { callId: oc.callId, trunk: o.trunk, to: o.to });
    return { ok: true, call };
  }

  private callEnded(call: Call, cdr: Cdr): void {
    // A dial's call waits (bounded) for its plan's result, so the CDR line carries the outcome.
    const decorated = this.dialer?.decorate(call, cdr);
    if (decorated) void decorated.then((c) => this.writeCdr(call, c));
    else this.writeCdr(call, cdr);
  }

  /** Writes a CDR line (a call's, or a dial's that placed no call) and ends the call's bookkeeping. */
  private writeCdr(call: Call | undefined, cdr: Cdr): void {
    if (call) {
      call.cdr = cdr;
      this.calls.delete(call.callId);
      this.counters.callsActive = this.calls.size;
      bump(this.counters.callsEnded, cdr.endCause.what);
      this.counters.talkSeconds += cdr.talkMs / 1000;
    }
    (this.opts.cdrLogger ?? this.log).info('cdr', { callId: cdr.callId, cdr });
    try {
      this.opts.onCdr?.(cdr);
    } catch (err) {
      this.log.error('onCdr threw', { error: (err as Error).message });
    }
    if (call && this.dialer?.ofCall(call)) this.dialer.cdrWritten(call, cdr);
    else if (call)
      this.publish({
        type: 'call.ended',
        callId: call.callId,
        time: this.clock.now(),
        data: { endCause: cdr.endCause, durationMs: cdr.durationMs, talkMs: cdr.talkMs },
      });
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.draining && this.calls.size === 0 && (this.dialer?.live.size ?? 0) === 0)
      for (const w of this.drainWaiters.splice(0)) w();
  }

  summary(): string {
    return `calls=${this.calls.size}${this.dialer ? ` ${this.dialer.summary()}` : ''}`;
  }

  /**
   * Stops taking calls; resolves when every call has ended (and its CDR is written). Dials still
   * queued are cancelled (they would start new calls); dials in progress go on.
   */
  drain(): Promise<void> {
    this.draining = true;
    this.dialer?.cancelQueued('shutdown');
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
      this.checkDrained();
    });
  }

  /** Hangs up every call now (BYE, CANCEL or a final response) and waits a bounded time for them. */
  async stop(waitMs = 2000): Promise<void> {
    this.draining = true;
    // Plans first: a cancelled plan hangs its call up and records `cancelled_shutdown`.
    this.dialer?.cancelAll('shutdown');
    for (const call of [...this.calls.values()]) {
      call.executor.kill();
      call.hangup(16, 'shutdown');
    }
    if (this.calls.size === 0 && (this.dialer?.live.size ?? 0) === 0) return;
    await Promise.race([
      new Promise<void>((resolve) => this.drainWaiters.push(resolve)),
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, waitMs);
        t.unref();
      }),
    ]);
  }
}

export type { LegEnd };
