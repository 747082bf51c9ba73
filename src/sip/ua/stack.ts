/**
 * SipStack: the user agent core (RFC 3261 §8, §12–§17 glue) over the transport and transaction
 * layers, with carrier trunks. It screens sources by trunk ACL, routes requests inside dialogs to
 * their Session or call and the rest to the application through typed delegates, answers what
 * the application need not see (OPTIONS, CANCEL, stray and malformed requests), and runs each
 * trunk's keepalive, registration and call limits. It has the shape of a daemon Service:
 * start, drain, stop, listeners, summary.
 */
import { isIP } from 'node:net';
import { systemClock, type Clock } from '../clock.js';
import { dialogKey, type Dialog } from '../dialog/dialog.js';
import { DEFAULT_SESSION_TIMER, uasNegotiate } from '../dialog/session-timer.js';
import { nullLogger, type SipLogger } from '../logger.js';
import { createResponse } from '../message/build.js';
import { HeaderList } from '../message/headers.js';
import { generateBranch, generateCallId, generateTag } from '../message/ids.js';
import { SipRequest, type SipResponse } from '../message/message.js';
import { serializeMessage } from '../message/serializer.js';
import { bareHost, parseUri } from '../message/uri.js';
import { createCounters, type SipCounters } from '../metrics.js';
import { TransactionLayer, type TransactionCore } from '../transaction/layer.js';
import type { ServerTransaction } from '../transaction/server.js';
import { StreamTransport } from '../transport/stream.js';
import {
  TransportLayer,
  type IncomingRequest,
  type IncomingResponse,
  type ScreenVerdict,
  type SendTarget,
  type TransportUser,
} from '../transport/transport-layer.js';
import type { Endpoint, Transport, TransportProtocol } from '../transport/transport.js';
import { UdpTransport } from '../transport/udp.js';
import { normalizeAddress } from './acl.js';
import type { DialogUser, UaConfig, UaContext } from './context.js';
import { DigestServer } from './digest.js';
import { IncomingCall } from './incoming-call.js';
import { Keepalive } from './keepalive.js';
import { ALLOW, type SipStackOptions } from './options.js';
import { OutgoingCall, type OutgoingCallDelegate } from './outgoing-call.js';
import { TokenBucket } from './rate-limit.js';
import { Registration, type RegistrationState } from './registration.js';
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
  private readonly digest: DigestServer;
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
    const transports = opts.transports ?? this.makeTransports();
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
    this.digest = new DigestServer({ realm: opts.realm ?? 'voicegate', now: () => Date.now() });
    this.rejectBucket = new TokenBucket(this.clock, opts.rejectRate ?? 50);
    this.ctx = this.makeContext();
  }

  private makeTransports(): Transport[] {
    const limits = this.opts.limits ?? {};
    const stream = {
      ...(limits.maxTcpConnections ? { maxConnections: limits.maxTcpConnections } : {}),
      ...(limits.tcpIdleSeconds ? { idleTimeoutMs: limits.tcpIdleSeconds * 1000 } : {}),
      ...(limits.maxMessageBytes ? { limits: { maxMessageBytes: limits.maxMessageBytes } } : {}),
    };
    return (this.opts.listen ?? [{ protocol: 'udp', host: '127.0.0.1', port: 5060 }]).map((l) => {
      if (l.protocol === 'udp') return new UdpTransport({ host: l.host, port: l.port });
      if (l.protocol === 'tcp') return new StreamTransport('TCP', { host: l.host, port: l.port, ...stream });
      if (!this.opts.tls) throw new Error('a TLS listener needs sip TLS certificate and key');
      return new StreamTransport('TLS', { host: l.host, port: l.port, tls: this.opts.tls, ...stream });
    });
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
      via: (protocol, remote) => this.via(protocol, remote),
      contact: (protocol, remote) => this.contact(protocol, remote),
      dialogTarget: (d, fallback) => this.dialogTarget(d, fallback),
      sendStateless: (req, target) => {
        const v = this.via(target.protocol, target.remote.address);
        req.headers.lines.unshift({ name: 'Via', key: 'via', value: v.value });
        const data = serializeMessage(req);
        this.transport.send(data, target);
        return data;
      },
      callEnded: (trunk) => this.callEnded(trunk),
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

  // --- addressing ---

  private via(protocol: TransportProtocol, remote: string): { value: string; branch: string } {
    const t = this.transport.find(protocol, remote);
    const a = t ? this.transport.advertised(t) : { host: '127.0.0.1', port: 5060 };
    const branch = generateBranch();
    return { value: `SIP/2.0/${protocol} ${a.host}:${a.port};branch=${branch};rport`, branch };
  }

  private contact(protocol: TransportProtocol, remote: string): string {
    const t = this.transport.find(protocol, remote);
    const a = t ? this.transport.advertised(t) : { host: '127.0.0.1', port: 5060 };
    const tp = protocol === 'UDP' ? '' : `;transport=${protocol.toLowerCase()}`;
    return `sip:voicegate@${a.host}:${a.port}${tp}`;
  }

  /** §8.1.2 / §12.2.1.1 next hop; a host name (no RFC 3263 resolution here) falls back to the peer. */
  private dialogTarget(dialog: Dialog, fallback: SendTarget): SendTarget {
    const uri = dialog.nextHopUri();
    if (!uri) return fallback;
    const host = bareHost(uri.host);
    if (isIP(host) === 0) return fallback;
    const tp = uri.params.find((p) => p.name.toLowerCase() === 'transport')?.value?.toUpperCase();
    const protocol: TransportProtocol =
      uri.scheme === 'sips'
        ? 'TLS'
        : tp === 'TCP' || tp === 'TLS'
          ? (tp as TransportProtocol)
          : fallback.protocol;
    return { protocol, remote: { address: host, port: uri.port ?? (protocol === 'TLS' ? 5061 : 5060) } };
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
      const t = this.challenge(req, tx);
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

  /**
   * A request from outside every ACL in challenge mode (§22.3): the trunk whose inbound
   * credentials it proves, or null after answering 401 / 403.
   */
  private challenge(req: IncomingRequest, tx: ServerTransaction): Trunk | null {
    const auth = req.msg.headers.get('authorization');
    if (auth) {
      for (const t of this.trunks.values()) {
        const cred = t.config.inboundAuth;
        if (!cred) continue;
        const v = this.digest.verify(auth, req.msg.method, (u) =>
          u === cred.username ? cred.password : undefined,
        );
        if (v.result === 'ok') return t;
        if (v.result === 'stale') {
          this.sendChallenge(req, tx, true);
          return null;
        }
      }
      this.counters.authFailures++;
      this.respond(req, tx, 403);
      return null;
    }
    this.sendChallenge(req, tx, false);
    return null;
  }

  private sendChallenge(req: IncomingRequest, tx: ServerTransaction, stale: boolean): void {
    if (!this.rejectBucket.take()) {
      this.counters.aclDropped++;
      return;
    }
    this.counters.authChallenges++;
    this.respond(
      req,
      tx,
      401,
      this.digest.challenges(stale).map((c) => ['WWW-Authenticate', c] as [string, string]),
    );
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
    const { next, route } = this.nextHop(trunk);
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
    });
    if (o.delegate) call.delegate = o.delegate;
    call.start();
    return call;
  }

  private nextHop(trunk: Trunk): { next: SendTarget; route?: string[] } {
    const proxy = trunk.config.outboundProxy;
    if (proxy) {
      const u = parseUri(proxy);
      if (typeof u !== 'string' && u.type === 'sip' && isIP(bareHost(u.host)) !== 0) {
        const lr = u.params.some((p) => p.name.toLowerCase() === 'lr') ? proxy : `${proxy};lr`;
        return {
          next: { protocol: trunk.protocol, remote: { address: bareHost(u.host), port: u.port ?? 5060 } },
          route: [`<${lr}>`],
        };
      }
    }
    const p = trunk.peers[0]!;
    return { next: { protocol: trunk.protocol, remote: { address: p.address, port: p.port } } };
  }

  /** Sends a request outside any dialog to a trunk; `done` gets the final response or null. */
  sendToTrunk(
    trunk: Trunk,
    method: string,
    build: (h: HeaderList) => string,
    done: (res: SipResponse | null) => void,
    callId = generateCallId(),
    cseq = 1,
    fromTag = generateTag(),
  ): boolean {
    const { next, route } = this.nextHop(trunk);
    const v = this.via(next.protocol, next.remote.address);
    const h = new HeaderList();
    h.append('Via', v.value).append('Max-Forwards', '70');
    for (const r of route ?? []) h.append('Route', r);
    const user = trunk.config.fromUser ?? 'voicegate';
    h.append('From', `<sip:${user}@${trunk.domain}>;tag=${fromTag}`);
    h.append('Call-ID', callId).append('CSeq', `${cseq} ${method}`);
    h.append('User-Agent', this.config.userAgent);
    const uri = build(h);
    const tx = this.transactions.sendRequest(new SipRequest(method, uri, h), v.branch, callId, next, {
      onResponse: (res) => {
        if (res.msg.status >= 200) done(res.msg);
      },
      onTimeout: () => done(null),
      onTransportError: () => done(null),
    });
    return tx !== null;
  }

  private startTrunk(trunk: Trunk): void {
    const ka = trunk.config.keepalive;
    if (ka && ka.intervalSeconds > 0) {
      const k = new Keepalive(
        this.clock,
        ka.intervalSeconds * 1000,
        ka.downAfter ?? 2,
        (done) => {
          const ok = this.sendToTrunk(
            trunk,
            'OPTIONS',
            (h) => {
              h.append('To', `<sip:${trunk.domain}>`).append('Accept', 'application/sdp');
              return `sip:${trunk.domain}`;
            },
            done,
          );
          if (!ok) done(null);
        },
        (up) => {
          trunk.up = up;
          this.logger.info(`trunk ${trunk.name} is ${up ? 'up' : 'down'}`, { trunk: trunk.name });
          this.delegate.onTrunkStatus?.(trunk.name, up);
        },
      );
      this.keepalives.push(k);
      k.start();
    }
    const reg = trunk.config.register;
    if (reg) {
      const callId = generateCallId();
      const fromTag = generateTag();
      let cseq = 0;
      const user = reg.user ?? trunk.config.fromUser ?? 'voicegate';
      const registrar = reg.registrar ?? `sip:${trunk.domain}`;
      const { next } = this.nextHop(trunk);
      const contact = this.contact(next.protocol, next.remote.address).replace(
        'sip:voicegate@',
        `sip:${user}@`,
      );
      const r = new Registration(this.clock, reg.expiresSeconds, trunk.config.auth, {
        build: (expires, extra) => {
          const h = new HeaderList();
          h.append('To', `<sip:${user}@${trunk.domain}>`);
          h.append('Contact', `<${contact}>`).append('Expires', String(expires));
          for (const [n, v] of extra) h.append(n, v);
          return new SipRequest('REGISTER', registrar, h);
        },
        send: (req, done) => {
          cseq++;
          const ok = this.sendToTrunk(
            trunk,
            'REGISTER',
            (h) => {
              for (const line of req.headers.lines) h.lines.push(line);
              return req.uri;
            },
            done,
            callId,
            cseq,
            fromTag,
          );
          if (!ok) done(null);
        },
        onState: (state) => {
          this.logger.info(`trunk ${trunk.name} registration ${state}`, { trunk: trunk.name });
          this.delegate.onRegistrationState?.(trunk.name, state);
        },
      });
      this.registrations.set(trunk.name, r);
      r.start();
    }
  }

  registration(trunk: string): Registration | undefined {
    return this.registrations.get(trunk);
  }
}
