/**
 * SipStack: the user agent core (RFC 3261 §8, §12–§17 glue) over the transport and transaction
 * layers, with carrier trunks. It screens sources by trunk ACL, routes requests inside dialogs to
 * their Session or call and the rest to the application through typed delegates, answers what
 * the application need not see (OPTIONS, CANCEL, stray and malformed requests), and runs each
 * trunk's keepalive, registration and call limits. It has the shape of a daemon Service:
 * start, drain, stop, listeners, summary.
 */
import { systemClock, type Clock } from '../clock.js';
import { dialogKey } from '../dialog/dialog.js';
import { DEFAULT_SESSION_TIMER, uasNegotiate } from '../dialog/session-timer.js';
import { nullLogger, type SipLogger } from '../logger.js';
import { createResponse } from '../message/build.js';
import { generateCallId, generateTag } from '../message/ids.js';
import { serializeMessage } from '../message/serializer.js';
import { createCounters, type SipCounters } from '../metrics.js';
import { TransactionLayer, type TransactionCore } from '../transaction/layer.js';
import type { ServerTransaction } from '../transaction/server.js';
import {
  TransportLayer,
  type IncomingRequest,
  type IncomingResponse,
  type ScreenVerdict,
  type TransportUser,
} from '../transport/transport-layer.js';
import type { Endpoint, Transport } from '../transport/transport.js';
import { normalizeAddress } from './acl.js';
import type { DialogUser, UaConfig, UaContext } from './context.js';
import { InboundAuth } from './inbound-auth.js';
import { makeTransports } from './listeners.js';
import { IncomingCall } from './incoming-call.js';
import { Addressing } from './addressing.js';
import type { Keepalive } from './keepalive.js';
import { startKeepalive, startRegistration, type TrunkServiceDeps } from './trunk-services.js';
import { ALLOW, type SipStackOptions } from './options.js';
import { OutgoingCall, type OutgoingCallDelegate, type OutgoingCallOptions } from './outgoing-call.js';
import { TokenBucket } from './rate-limit.js';
import type { Registration, RegistrationState } from './registration.js';
import { Session } from './session.js';
import { Trunk } from './trunk.js';
import { checkRequest } from './uas-checks.js';

export interface SipStackDelegate {
  /** A new call from a trunk: answer it with progress/accept/reject (unanswered → 480 at shutdown). */
  onInvite?(call: IncomingCall): void;
  onTrunkStatus?(trunk: string, up: boolean): void;
  onRegistrationState?(trunk: string, state: RegistrationState): void;
}

export interface InviteOptions {
  trunk: string;
  /** A full URI, or a user part (number) sent to the trunk's domain. */
  to: string;
  /** User part of our From (default the trunk's fromUser or "voicegate"). */
  from?: string;
  body?: Buffer;
  contentType?: string;
  headers?: ReadonlyArray<[string, string]>;
  delegate?: OutgoingCallDelegate;
  /** Per-call RFC 3262 mode and RFC 4028 request over the stack's (carrier profiles). */
  prack?: OutgoingCallOptions['prack'];
  sessionTimer?: OutgoingCallOptions['sessionTimer'];
}

export class SipStackError extends Error {
  constructor(
    readonly code: 'unknown_trunk' | 'trunk_limit' | 'draining' | 'overloaded',
    message: string,
  ) {
    super(message);
    this.name = 'SipStackError';
  }
}

export class SipStack implements TransportUser, TransactionCore {
  readonly name = 'sip';
  readonly counters: SipCounters = createCounters();
  readonly trunks = new Map<string, Trunk>();
  delegate: SipStackDelegate = {};
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  readonly clock: Clock;
  private readonly logger: SipLogger;
  private readonly dialogs = new Map<string, DialogUser>();
  private readonly ctx: UaContext;
  private readonly config: UaConfig;
  private readonly addressing: Addressing;
  private readonly services: TrunkServiceDeps;
  private readonly inboundAuth: InboundAuth;
  private readonly rejectBucket: TokenBucket;
  private readonly trunkCache = new Map<string, Trunk | null>();
  private readonly keepalives: Keepalive[] = [];
  private readonly registrations = new Map<string, Registration>();
  private readonly pendingCalls = new Set<IncomingCall>();
  private started = false;
  private draining = false;
  private drainWaiters: Array<() => void> = [];
  private activeCalls = 0;

  constructor(private readonly opts: SipStackOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? nullLogger;
    for (const t of opts.trunks ?? []) this.trunks.set(t.name, new Trunk(t, this.clock));
    const transports = opts.transports ?? makeTransports(opts);
    const limits = opts.limits ?? {};
    this.transport = new TransportLayer(transports, this, this.counters, this.logger, {
      limits: {
        ...(limits.maxMessageBytes ? { maxMessageBytes: limits.maxMessageBytes } : {}),
        ...(limits.maxHeaders ? { maxHeaders: limits.maxHeaders } : {}),
        ...(limits.maxHeaderLineBytes ? { maxHeaderLineBytes: limits.maxHeaderLineBytes } : {}),
      },
      ...(opts.mtu ? { mtu: opts.mtu } : {}),
      ...(opts.advertise
        ? {
            advertise: (t: Transport) => ({
              host: opts.advertise!.host,
              port: opts.advertise!.port ?? t.local.port,
            }),
          }
        : {}),
    });
    this.transactions = new TransactionLayer(this.transport, this, this.clock, this.counters, this.logger, {
      ...(opts.timers ? { timers: opts.timers } : {}),
      ...(limits.maxTransactions ? { maxTransactions: limits.maxTransactions } : {}),
      debug: opts.debug ?? false,
    });
    const prack = opts.prack ?? 'supported';
    this.config = {
      userAgent: opts.userAgent ?? 'voicegate',
      allow: ALLOW,
      supported: prack === 'disabled' ? ['timer'] : ['100rel', 'timer'],
      prack,
      sessionTimer: { ...DEFAULT_SESSION_TIMER, ...opts.sessionTimer },
      maxForks: 8,
    };
    this.rejectBucket = new TokenBucket(this.clock, opts.rejectRate ?? 50);
    this.inboundAuth = new InboundAuth(
      opts.realm ?? 'voicegate',
      this.trunks,
      this.counters,
      this.rejectBucket,
    );
    this.addressing = new Addressing(this.transport);
    this.ctx = this.makeContext();
    this.services = {
      clock: this.clock,
      logger: this.logger,
      transactions: this.transactions,
      addressing: this.addressing,
      userAgent: this.config.userAgent,
      onTrunkStatus: (t, up) => this.delegate.onTrunkStatus?.(t, up),
      onRegistrationState: (t, st) => this.delegate.onRegistrationState?.(t, st),
    };
  }

  private makeContext(): UaContext {
    return {
      clock: this.clock,
      timers: this.transactions.timers,
      counters: this.counters,
      logger: this.logger,
      debug: this.opts.debug ?? false,
      config: this.config,
      transport: this.transport,
      transactions: this.transactions,
      addDialog: (key, user) => {
        if (!this.dialogs.has(key)) this.counters.dialogsCreated++;
        this.dialogs.set(key, user);
        this.counters.dialogsActive = this.dialogs.size;
      },
      removeDialog: (key, user) => {
        if (this.dialogs.get(key) === user) this.dialogs.delete(key);
        this.counters.dialogsActive = this.dialogs.size;
      },
      via: (protocol, remote) => this.addressing.via(protocol, remote),
      contact: (protocol, remote) => this.addressing.contact(protocol, remote),
      dialogTarget: (d, fallback) => this.addressing.dialogTarget(d, fallback),
      sendStateless: (req, target) => {
        const v = this.addressing.via(target.protocol, target.remote.address);
        req.headers.lines.unshift({ name: 'Via', key: 'via', value: v.value });
        const data = serializeMessage(req);
        this.transport.send(data, target);
        return data;
      },
      callEnded: (trunk) => this.callEnded(trunk),
      credentialsFor: (trunk) => (trunk === null ? undefined : this.trunks.get(trunk)?.config.auth),
    };
  }

  // --- lifecycle (the daemon's Service shape) ---

  async start(): Promise<void> {
    if (this.started) return;
    await this.transport.start();
    this.started = true;
    for (const trunk of this.trunks.values()) this.startTrunk(trunk);
    this.logger.info('SIP stack started', { listeners: this.listeners(), trunks: [...this.trunks.keys()] });
  }

  /** Stops taking new calls (503) and resolves when every call has ended. */
  drain(): Promise<void> {
    this.draining = true;
    if (this.activeCalls === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Ends everything now: BYE to live sessions (best effort), 480 to unanswered calls, sockets closed. */
  async stop(): Promise<void> {
    this.draining = true;
    for (const k of this.keepalives) k.stop();
    for (const r of this.registrations.values()) r.stop();
    for (const call of [...this.pendingCalls]) call.reject(480);
    for (const user of [...this.dialogs.values()]) {
      if (user instanceof Session) {
        if (user.state === 'confirmed' || user.state === 'waiting-ack') user.bye('shutdown');
        user.end('shutdown');
      }
    }
    // Give the BYEs a moment on the wire before the sockets close.
    await new Promise((r) => setTimeout(r, 20));
    this.transactions.clear();
    this.dialogs.clear();
    this.counters.dialogsActive = 0;
    await this.transport.close();
    this.started = false;
    for (const w of this.drainWaiters.splice(0)) w();
  }

  listeners(): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const t of this.transport.transports)
      out[`sip-${t.protocol.toLowerCase()}-${t.local.port}`] = this.started;
    return out;
  }

  summary(): string {
    const up = [...this.trunks.values()].filter((t) => t.up).length;
    return `calls=${this.activeCalls} dialogs=${this.dialogs.size} trunks=${up}/${this.trunks.size}`;
  }

  get callCount(): number {
    return this.activeCalls;
  }

  get dialogCount(): number {
    return this.dialogs.size;
  }

  private callEnded(trunk: string | null): void {
    if (trunk !== null) this.trunks.get(trunk)?.release();
    if (this.activeCalls > 0) this.activeCalls--;
    if (this.activeCalls === 0 && this.draining) for (const w of this.drainWaiters.splice(0)) w();
  }

  /** The trunk whose ACL holds this address (cached, bounded). */
  trunkFor(address: string): Trunk | null {
    const a = normalizeAddress(address);
    const hit = this.trunkCache.get(a);
    if (hit !== undefined) return hit;
    let found: Trunk | null = null;
    for (const t of this.trunks.values()) {
      if (t.acl.has(a)) {
        found = t;
        break;
      }
    }
    if (this.trunkCache.size >= 4096) this.trunkCache.clear();
    this.trunkCache.set(a, found);
    return found;
  }

  // --- TransportUser ---

  screen(remote: Endpoint): ScreenVerdict {
    if (this.trunkFor(remote.address)) return 'accept';
    return this.opts.unknownPeers === 'drop' ? 'drop' : 'reject';
  }

  onRequest(req: IncomingRequest, verdict: ScreenVerdict): void {
    if (verdict === 'reject' && (this.opts.unknownPeers ?? 'reject') === 'reject') {
      if (req.msg.method === 'ACK') return;
      if (!this.rejectBucket.take()) {
        this.counters.aclDropped++;
        return;
      }
      this.counters.aclRejected++;
      this.transport.sendResponse(
        createResponse(req.msg, 403, { toTag: generateTag() }),
        this.transport.responseTarget(req),
      );
      return;
    }
    this.transactions.receiveRequest(req);
  }

  onResponse(res: IncomingResponse): void {
    this.transactions.receiveResponse(res);
  }

  // --- TransactionCore ---

  onNewRequest(req: IncomingRequest, tx: ServerTransaction): void {
    this.handleRequest(req, tx);
  }

  onAck(req: IncomingRequest): void {
    const c = req.core;
    const user = this.dialogs.get(dialogKey(c.callId, c.toTag ?? '', c.fromTag ?? ''));
    user?.receiveAck?.(req);
  }

  onStrayResponse(res: IncomingResponse): void {
    const c = res.core;
    if (c.cseqMethod === 'INVITE' && res.msg.status >= 200 && res.msg.status < 300) {
      const user = this.dialogs.get(dialogKey(c.callId, c.fromTag ?? '', c.toTag ?? ''));
      if (user instanceof Session) {
        user.receive2xxRetransmission(res);
        return;
      }
    }
    this.counters.strayResponses++;
  }

  private respond(
    req: IncomingRequest,
    tx: ServerTransaction,
    status: number,
    headers: Array<[string, string]> = [],
  ): void {
    tx.respond(createResponse(req.msg, status, { toTag: generateTag(), headers }));
  }

  private handleRequest(req: IncomingRequest, tx: ServerTransaction): void {
    const { msg, core } = req;
    const method = msg.method;
    if (method === 'CANCEL') {
      // §9.2: 200 to the CANCEL, then 487 to the INVITE if it has no final response yet.
      const ist = this.transactions.findInviteServer(req);
      if (!ist) {
        this.respond(req, tx, 481);
        return;
      }
      tx.respond(createResponse(msg, 200, { toTag: core.toTag ?? generateTag() }));
      ist.cancelHandler?.();
      return;
    }
    if (core.toTag !== null) {
      const user = this.dialogs.get(dialogKey(core.callId, core.toTag, core.fromTag ?? ''));
      if (user) user.receiveRequest(req, tx);
      else this.respond(req, tx, 481);
      return;
    }
    let trunk = this.trunkFor(req.source.remote.address);
    const failed = checkRequest(req, this.config.allow, this.config.supported);
    if (failed) {
      this.respond(req, tx, failed.status, failed.headers);
      return;
    }
    if (!trunk) {
      const t = this.inboundAuth.check(req, tx);
      if (!t) return;
      trunk = t;
    }
    switch (method) {
      case 'INVITE':
        this.incomingInvite(req, tx, trunk);
        return;
      case 'OPTIONS':
        this.respond(req, tx, 200, [
          ['Allow', this.config.allow.join(', ')],
          ['Accept', 'application/sdp'],
          ['Supported', this.config.supported.join(', ')],
        ]);
        return;
      case 'BYE':
      case 'PRACK':
      case 'UPDATE':
      case 'INFO':
      case 'NOTIFY':
      case 'REFER':
        this.respond(req, tx, 481);
        return;
      default:
        this.respond(req, tx, 405, [['Allow', this.config.allow.join(', ')]]);
    }
  }

  private incomingInvite(req: IncomingRequest, tx: ServerTransaction, trunk: Trunk): void {
    if (tx.kind !== 'ist') return;
    if (this.draining || !this.started) {
      this.respond(req, tx, 503, [['Retry-After', '30']]);
      return;
    }
    const maxDialogs = this.opts.limits?.maxDialogs ?? 50_000;
    if (this.dialogs.size >= maxDialogs) {
      this.counters.overloaded++;
      this.respond(req, tx, 503, [['Retry-After', '5']]);
      return;
    }
    const decision = uasNegotiate(req.msg.headers, this.config.sessionTimer);
    if (decision.kind === 'reject') {
      this.respond(req, tx, 422, [['Min-SE', String(decision.minSE)]]);
      return;
    }
    const admitted = trunk.admit();
    if (admitted !== 'ok') {
      this.counters.rateLimited++;
      this.respond(req, tx, 503, [['Retry-After', '1']]);
      return;
    }
    this.activeCalls++;
    const call = new IncomingCall(this.ctx, req, tx, trunk.name, generateTag(), decision);
    this.pendingCalls.add(call);
    tx.cancelHandler = () => call.receiveCancel();
    const done = (): void => {
      this.pendingCalls.delete(call);
      tx.cancelHandler = null;
    };
    call.onSettled = done;
    if (!this.delegate.onInvite) {
      call.reject(480);
      return;
    }
    this.delegate.onInvite(call);
  }

  // --- outgoing ---

  /** Places a call on a trunk. Throws SipStackError when it cannot start. */
  invite(o: InviteOptions): OutgoingCall {
    const trunk = this.trunks.get(o.trunk);
    if (!trunk) throw new SipStackError('unknown_trunk', `no trunk "${o.trunk}"`);
    if (this.draining) throw new SipStackError('draining', 'the SIP stack is draining');
    const admitted = trunk.admit();
    if (admitted !== 'ok') {
      this.counters.rateLimited++;
      throw new SipStackError(
        'trunk_limit',
        `trunk "${o.trunk}" is at its ${admitted === 'cps' ? 'CPS' : 'call'} limit`,
      );
    }
    this.activeCalls++;
    const { next, route } = this.addressing.trunkHop(trunk);
    const uri = o.to.includes(':') ? o.to : `sip:${o.to}@${trunk.domain}`;
    const fromUser = o.from ?? trunk.config.fromUser ?? 'voicegate';
    const call = new OutgoingCall(this.ctx, {
      uri,
      from: `<sip:${fromUser}@${trunk.domain}>`,
      next,
      ...(route ? { route } : {}),
      ...(o.body ? { body: o.body } : {}),
      ...(o.contentType ? { contentType: o.contentType } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(trunk.config.auth ? { credentials: trunk.config.auth } : {}),
      trunk: trunk.name,
      callId: generateCallId(),
      ...(trunk.config.tcpFallback ? { tcpFallback: true } : {}),
      ...(o.prack ? { prack: o.prack } : {}),
      ...(o.sessionTimer ? { sessionTimer: o.sessionTimer } : {}),
    });
    if (o.delegate) call.delegate = o.delegate;
    call.start();
    return call;
  }

  private startTrunk(trunk: Trunk): void {
    const k = startKeepalive(this.services, trunk);
    if (k) this.keepalives.push(k);
    const r = startRegistration(this.services, trunk);
    if (r) this.registrations.set(trunk.name, r);
  }

  registration(trunk: string): Registration | undefined {
    return this.registrations.get(trunk);
  }
}
