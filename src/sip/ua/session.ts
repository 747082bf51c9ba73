/**
 * A session: the confirmed INVITE dialog usage (RFC 3261 §12–§15), for both sides of a call.
 * It retransmits our 2xx until the ACK (§13.3.1.4, BYE after 64*T1), re-sends our ACK for
 * retransmitted 2xx (§13.2.2.4), answers requests inside the dialog (BYE, re-INVITE, UPDATE
 * RFC 3311, INFO RFC 6086, OPTIONS, NOTIFY, REFER RFC 3515, MESSAGE), sends them, resolves
 * re-INVITE glare (§14: 491, and 500 + Retry-After for overlap), refreshes targets, and runs the
 * RFC 4028 session timer.
 *
 *   waiting-ack ──ACK──▶ confirmed ──bye()──▶ terminating ──▶ terminated
 *        └──── BYE received / ACK timeout / session expired / dialog error ────▲
 */
import type { TimerHandle } from '../clock.js';
import { contactUri, type Dialog } from '../dialog/dialog.js';
import { parseMinSE, SessionTimer, uacOutcome, uasHeaders, uasNegotiate } from '../dialog/session-timer.js';
import { createResponse } from '../message/build.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { ClientTransaction } from '../transaction/client.js';
import type { ServerTransaction } from '../transaction/server.js';
import type { IncomingRequest, IncomingResponse, SendTarget } from '../transport/transport-layer.js';
import type { DialogUser, UaContext } from './context.js';
import { authorize, pickChallenge } from './digest.js';
import { InDialogRequest, type AnswerOptions } from './in-dialog-request.js';
import { OkRetransmitter } from './ok-retransmitter.js';

export type SessionState = 'waiting-ack' | 'confirmed' | 'terminating' | 'terminated';
export const SESSION_EDGES: Readonly<Record<SessionState, readonly SessionState[]>> = {
  'waiting-ack': ['confirmed', 'terminating', 'terminated'],
  confirmed: ['terminating', 'terminated'],
  terminating: ['terminated'],
  terminated: [],
};

export type EndReason =
  'local-bye' | 'remote-bye' | 'ack-timeout' | 'session-expired' | 'dialog-error' | 'shutdown';

export interface SessionDelegate {
  /** The ACK for our 2xx came: the call is up (UAS side). */
  onAck?(ack: SipRequest): void;
  onReinvite?(req: InDialogRequest): void;
  onUpdate?(req: InDialogRequest): void;
  onInfo?(req: InDialogRequest): void;
  onRefer?(req: InDialogRequest): void;
  onNotify?(req: InDialogRequest): void;
  onMessage?(req: InDialogRequest): void;
  onTerminated?(reason: EndReason): void;
}

export interface RequestOptions {
  body?: Buffer;
  contentType?: string;
  headers?: ReadonlyArray<[string, string]>;
}

/** Final response of a request we sent in the dialog; null on timeout or transport error. */
export type ResponseCallback = (res: SipResponse | null) => void;

const TARGET_REFRESH = new Set(['INVITE', 'UPDATE']);

export class Session implements DialogUser {
  state: SessionState;
  delegate: SessionDelegate = {};
  /** Last session description we sent and the peer sent (offer or answer). */
  localBody: Buffer | null = null;
  remoteBody: Buffer | null = null;
  /** Whether the peer listed UPDATE in Allow (then session refreshes use UPDATE). */
  peerAllowsUpdate = false;
  readonly timer: SessionTimer;
  endReason: EndReason | null = null;
  private readonly ok: OkRetransmitter;
  private okTarget: SendTarget | null = null;
  private ackData: Buffer | null = null;
  private ackCSeq = -1;
  private outInvite: ClientTransaction | null = null;
  private inInvite: ServerTransaction | null = null;
  private glareTimer: TimerHandle | null = null;
  private glareRetries = 0;

  constructor(
    private readonly ctx: UaContext,
    readonly dialog: Dialog,
    readonly trunk: string | null,
    /** Where in-dialog requests go when the remote target is not an IP literal. */
    private readonly fallback: SendTarget,
    initial: SessionState,
    /** False for a session that is not a call of ours (the extra fork we ACK and hang up). */
    private readonly counted = true,
  ) {
    this.state = initial;
    this.ok = new OkRetransmitter(
      ctx.clock,
      ctx.timers,
      (data) => {
        const c = ctx.counters.retransmissionsSent;
        c['INVITE 200'] = (c['INVITE 200'] ?? 0) + 1;
        if (this.okTarget) ctx.transport.send(data, this.okTarget);
      },
      () => this.ackTimeout(),
    );
    this.timer = new SessionTimer(ctx.clock, {
      refresh: () => this.refreshSession(),
      expire: () => this.expire(),
    });
  }

  get callId(): string {
    return this.dialog.callId;
  }

  private transition(next: SessionState): boolean {
    if (!SESSION_EDGES[this.state].includes(next)) return false;
    if (this.ctx.debug) this.ctx.logger.debug(`session ${this.state} -> ${next}`, { callId: this.callId });
    this.state = next;
    return true;
  }

  // --- 2xx retransmission until ACK (UAS, §13.3.1.4) ---

  /** Our 2xx to an INVITE (initial or re-INVITE) was sent: retransmit it until the ACK. */
  awaitAck(okData: Buffer, cseq: number, target: SendTarget): void {
    this.okTarget = target;
    this.ok.start(okData, cseq);
  }

  private ackTimeout(): void {
    this.ctx.logger.warn('no ACK for our 2xx: ending the session with BYE', { callId: this.callId });
    if (this.state === 'waiting-ack') this.transition('confirmed');
    this.bye('ack-timeout');
  }

  receiveAck(req: IncomingRequest): void {
    if (!this.ok.ack(req.core.cseq)) return;
    if (req.msg.body.length) this.remoteBody = req.msg.body;
    if (this.state === 'waiting-ack') {
      this.dialog.transition('confirmed');
      this.transition('confirmed');
      this.delegate.onAck?.(req.msg);
    }
  }

  // --- ACK for 2xx (UAC, §13.2.2.4) ---

  /** Sends the ACK for a 2xx to our INVITE of `cseq` and keeps it for retransmitted 2xx. */
  sendAck(cseq: number, body?: Buffer): void {
    const ack = this.dialog.createRequest('ACK', { cseq });
    if (body && body.length) {
      ack.headers.append('Content-Type', 'application/sdp');
      ack.body = body;
      this.localBody = body;
    }
    this.ackCSeq = cseq;
    this.ackData = this.ctx.sendStateless(ack, this.target());
  }

  /** A 2xx for our INVITE arrived again: re-send the same ACK. */
  receive2xxRetransmission(res: IncomingResponse): void {
    if (res.core.cseq === this.ackCSeq && this.ackData) {
      this.ctx.counters.retransmissionsReceived['200'] =
        (this.ctx.counters.retransmissionsReceived['200'] ?? 0) + 1;
      this.ctx.transport.send(this.ackData, this.target());
    }
  }

  target(): SendTarget {
    return this.ctx.dialogTarget(this.dialog, this.fallback);
  }

  // --- requests from the peer ---

  receiveRequest(req: IncomingRequest, tx: ServerTransaction): void {
    const msg = req.msg;
    const method = msg.method;
    if (this.state === 'terminated') {
      tx.respond(createResponse(msg, 481, { toTag: this.dialog.localTag }));
      return;
    }
    if (!this.dialog.acceptRemoteSeq(req.core.cseq, method)) {
      tx.respond(createResponse(msg, 500, { toTag: this.dialog.localTag, reason: 'CSeq Out of Order' }));
      return;
    }
    if (method === 'BYE') {
      tx.respond(createResponse(msg, 200, { toTag: this.dialog.localTag }));
      this.end('remote-bye');
      return;
    }
    if (method === 'INVITE') {
      // §14.2: our re-INVITE is pending → 491; theirs is still unanswered → 500 with Retry-After.
      if (this.outInvite && !this.outInvite.terminated && this.outInvite.state !== 'accepted') {
        tx.respond(createResponse(msg, 491, { toTag: this.dialog.localTag }));
        return;
      }
      if (this.inInvite && this.inInvite.finalStatus === 0 && !this.inInvite.terminated) {
        const after = String(Math.floor(Math.random() * 10));
        tx.respond(
          createResponse(msg, 500, { toTag: this.dialog.localTag, headers: [['Retry-After', after]] }),
        );
        return;
      }
      this.inInvite = tx;
    }
    if (TARGET_REFRESH.has(method)) {
      // §12.2.2: a target refresh request updates the remote target.
      const c = contactUri(msg.headers.get('contact'));
      if (c) this.dialog.remoteTarget = c;
    }
    if ((method === 'INVITE' || method === 'UPDATE') && msg.headers.has('session-expires')) {
      const d = uasNegotiate(msg.headers, this.ctx.config.sessionTimer);
      if (d.kind === 'reject') {
        tx.respond(
          createResponse(msg, 422, { toTag: this.dialog.localTag, headers: [['Min-SE', String(d.minSE)]] }),
        );
        return;
      }
    }
    if (msg.body.length && (method === 'INVITE' || method === 'UPDATE')) this.remoteBody = msg.body;
    const r = new InDialogRequest(msg, tx, this.dialog.localTag, (res, ir) =>
      this.finishAnswer(req, res, ir),
    );
    switch (method) {
      case 'INVITE':
        if (this.delegate.onReinvite) this.delegate.onReinvite(r);
        else r.accept(this.localBody ? { body: this.localBody } : {});
        return;
      case 'UPDATE':
        if (this.delegate.onUpdate) this.delegate.onUpdate(r);
        else r.accept(msg.body.length && this.localBody ? { body: this.localBody } : {});
        return;
      case 'INFO':
        if (this.delegate.onInfo) this.delegate.onInfo(r);
        else r.accept();
        return;
      case 'NOTIFY':
        if (this.delegate.onNotify) this.delegate.onNotify(r);
        else r.accept();
        return;
      case 'MESSAGE':
        if (this.delegate.onMessage) this.delegate.onMessage(r);
        else r.accept();
        return;
      case 'REFER':
        // RFC 3515: a transfer is the application's decision; without one it is declined.
        if (this.delegate.onRefer) this.delegate.onRefer(r);
        else r.reject(603);
        return;
      case 'OPTIONS':
        r.accept({
          headers: [
            ['Allow', this.ctx.config.allow.join(', ')],
            ['Accept', 'application/sdp'],
            ['Supported', this.ctx.config.supported.join(', ')],
          ],
        });
        return;
      case 'PRACK':
        r.reject(481);
        return;
      default:
        r.reject(this.ctx.config.allow.includes(method) ? 405 : 501, {
          headers: [['Allow', this.ctx.config.allow.join(', ')]],
        });
    }
  }

  /** Adds Contact and session-timer headers to 2xx answers of target refreshes, then sends. */
  private finishAnswer(req: IncomingRequest, res: SipResponse, ir: InDialogRequest): void {
    const method = req.msg.method;
    const ok = res.status >= 200 && res.status < 300;
    if (ok && TARGET_REFRESH.has(method)) {
      res.headers.append('Contact', `<${this.dialog.localTarget}>`);
      if (res.body.length) this.localBody = res.body;
      const d = uasNegotiate(req.msg.headers, this.ctx.config.sessionTimer);
      if (d.kind === 'accept' && (req.msg.headers.has('session-expires') || this.timer.running)) {
        for (const [n, v] of uasHeaders(d)) res.headers.append(n, v);
        // RFC 4028 names the refresher from this transaction's view: "uas" is us.
        this.timer.start(d.delta, d.refresher === 'uas');
      }
    }
    const data = ir.transaction.respond(res);
    if (method === 'INVITE' && res.status >= 200) {
      if (ok && data) this.awaitAck(data, req.core.cseq, this.ctx.transport.responseTarget(req));
      this.inInvite = null;
    }
  }

  // --- requests we send ---

  /** Sends a request inside the dialog; `cb` gets the final response (null on timeout). */
  request(method: string, opts: RequestOptions = {}, cb?: ResponseCallback): boolean {
    return this.send(method, opts, cb, false);
  }

  private send(
    method: string,
    opts: RequestOptions,
    cb: ResponseCallback | undefined,
    authed: boolean,
  ): boolean {
    if (this.state === 'terminated' || (this.state === 'terminating' && method !== 'BYE')) return false;
    if (method === 'INVITE' && (this.outInvite || this.inInvite)) return false;
    const req = this.dialog.createRequest(method, {
      contact: TARGET_REFRESH.has(method) || method === 'REFER',
    });
    const target = this.target();
    const via = this.ctx.via(target.protocol, target.remote.address);
    req.headers.lines.unshift({ name: 'Via', key: 'via', value: via.value });
    for (const [n, v] of opts.headers ?? []) req.headers.append(n, v);
    if (opts.body && opts.body.length) {
      req.headers.append('Content-Type', opts.contentType ?? 'application/sdp');
      req.body = opts.body;
      if (method === 'INVITE' || method === 'UPDATE') this.localBody = opts.body;
    }
    const cseq = this.dialog.localSeq;
    const tx = this.ctx.transactions.sendRequest(req, via.branch, this.callId, target, {
      onResponse: (res) => {
        const status = res.msg.status;
        if (status < 200) return;
        if (
          (status === 401 || status === 407) &&
          !authed &&
          this.retryWithCredentials(method, opts, cb, res.msg, req.uri)
        ) {
          return;
        }
        if (method === 'INVITE') {
          if (status < 300) {
            this.sendAck(cseq);
            if (res.msg.body.length) this.remoteBody = res.msg.body;
          }
          this.outInvite = null;
        }
        if (status < 300 && TARGET_REFRESH.has(method)) {
          const c = contactUri(res.msg.headers.get('contact'));
          if (c) this.dialog.remoteTarget = c;
          this.afterRefresh(res.msg);
        }
        if (method === 'INVITE' && status === 491) {
          this.retryAfterGlare(opts, cb);
          return;
        }
        cb?.(res.msg);
        if (status === 481 || status === 408) this.dialogError(method);
      },
      onTimeout: () => {
        if (method === 'INVITE') this.outInvite = null;
        cb?.(null);
        this.dialogError(method);
      },
      onTransportError: () => {
        if (method === 'INVITE') this.outInvite = null;
        cb?.(null);
        this.dialogError(method);
      },
    });
    if (!tx) {
      cb?.(null);
      return false;
    }
    if (method === 'INVITE') this.outInvite = tx;
    return true;
  }

  /** §22.2: a carrier challenging a request inside the dialog gets it again with the trunk's credentials. */
  private retryWithCredentials(
    method: string,
    opts: RequestOptions,
    cb: ResponseCallback | undefined,
    res: SipResponse,
    uri: string,
  ): boolean {
    const cred = this.ctx.credentialsFor(this.trunk);
    if (!cred) return false;
    const ch = pickChallenge(
      res.headers.getAll(res.status === 401 ? 'www-authenticate' : 'proxy-authenticate'),
    );
    if (!ch) return false;
    const name = res.status === 401 ? 'Authorization' : 'Proxy-Authorization';
    const headers: Array<[string, string]> = [
      ...(opts.headers ?? []),
      [name, authorize(ch, cred, method, uri)],
    ];
    if (method === 'INVITE') this.outInvite = null;
    return this.send(method, { ...opts, headers }, cb, true);
  }

  /** §14.1: after a 491, retry later: 2.1–4 s when we own the Call-ID (we sent the INVITE), else 0–2 s. */
  private retryAfterGlare(opts: RequestOptions, cb?: ResponseCallback): void {
    if (++this.glareRetries > 3) {
      cb?.(null);
      return;
    }
    const ms =
      this.dialog.role === 'uac'
        ? 2100 + Math.floor(Math.random() * 190) * 10
        : Math.floor(Math.random() * 201) * 10;
    this.glareTimer = this.ctx.clock.setTimeout(() => {
      this.glareTimer = null;
      if (!this.request('INVITE', opts, cb)) cb?.(null);
    }, ms);
  }

  reinvite(opts: RequestOptions = {}, cb?: ResponseCallback): boolean {
    this.glareRetries = 0;
    return this.request('INVITE', this.withTimerHeaders(opts), cb);
  }

  update(opts: RequestOptions = {}, cb?: ResponseCallback): boolean {
    return this.request('UPDATE', this.withTimerHeaders(opts), cb);
  }

  info(body: Buffer, contentType: string, cb?: ResponseCallback): boolean {
    return this.request('INFO', { body, contentType }, cb);
  }

  refer(referTo: string, cb?: ResponseCallback): boolean {
    return this.request('REFER', { headers: [['Refer-To', `<${referTo}>`]] }, cb);
  }

  notify(event: string, state: string, body?: Buffer, contentType?: string, cb?: ResponseCallback): boolean {
    const headers: Array<[string, string]> = [
      ['Event', event],
      ['Subscription-State', state],
    ];
    return this.request(
      'NOTIFY',
      { headers, ...(body ? { body, contentType: contentType ?? 'message/sipfrag' } : {}) },
      cb,
    );
  }

  options(cb?: ResponseCallback): boolean {
    return this.request('OPTIONS', {}, cb);
  }

  /** Ends the session with BYE (§15.1.1). */
  bye(reason: EndReason = 'local-bye'): void {
    if (this.state === 'terminating' || this.state === 'terminated') return;
    this.transition('terminating');
    this.endReason = reason;
    this.stopTimers();
    const sent = this.request('BYE', {}, () => this.end(reason));
    if (!sent) this.end(reason);
  }

  // --- session timer (RFC 4028) ---

  /** Starts the timer after the initial INVITE: `weRefresh` when we are the refresher. */
  startSessionTimer(delta: number, weRefresh: boolean): void {
    this.timer.start(delta, weRefresh);
  }

  private withTimerHeaders(opts: RequestOptions): RequestOptions {
    if (!this.timer.running) return opts;
    // In a request we send we are its "uac": refresher=uac keeps us refreshing.
    const refresher = this.timer.weRefresh ? 'uac' : 'uas';
    return {
      ...opts,
      headers: [
        ...(opts.headers ?? []),
        ['Session-Expires', `${this.timer.delta};refresher=${refresher}`],
        ['Supported', 'timer'],
      ],
    };
  }

  private refreshSession(delta = this.timer.delta, retried = false): void {
    if (this.state !== 'confirmed') return;
    // Keep a guard: if the refresh is not answered before the session would end, end it.
    if (!retried) this.timer.guard(Math.max(1000, (delta / 2 - Math.min(32, delta / 3)) * 1000));
    const useUpdate = this.peerAllowsUpdate && this.ctx.config.sessionTimer.refreshMethod === 'UPDATE';
    const opts = this.withTimerHeadersFor(delta);
    const onRes: ResponseCallback = (res) => {
      if (res && res.status < 300) return;
      // RFC 4028 §7.3: 422 names the smallest interval the peer takes; refresh once more with it.
      const min = res?.status === 422 ? parseMinSE(res.headers.get('min-se')) : null;
      if (min !== null && min > delta && !retried) this.refreshSession(min, true);
      else this.expire();
    };
    if (useUpdate) this.request('UPDATE', opts, onRes);
    else this.request('INVITE', { ...opts, ...(this.localBody ? { body: this.localBody } : {}) }, onRes);
  }

  private withTimerHeadersFor(delta: number): RequestOptions {
    return {
      headers: [
        ['Session-Expires', `${delta};refresher=uac`],
        ['Supported', 'timer'],
      ],
    };
  }

  /** The 2xx of a refresh we sent (§7.4): restart with what it says. */
  private afterRefresh(res: SipResponse): void {
    const o = uacOutcome(res.headers);
    if (o) this.timer.start(o.delta, o.refresher === 'uac');
  }

  private expire(): void {
    if (this.state !== 'confirmed' && this.state !== 'waiting-ack') return;
    this.ctx.logger.info('session expired (RFC 4028): sending BYE', { callId: this.callId });
    this.bye('session-expired');
  }

  /** §12.2.1.2: 481/408 or no answer to a request in the dialog ends it (with BYE unless it was one). */
  private dialogError(method: string): void {
    if (method === 'BYE') {
      this.end(this.endReason ?? 'dialog-error');
      return;
    }
    if (method === 'INVITE' || method === 'UPDATE') this.bye('dialog-error');
  }

  // --- end ---

  private stopTimers(): void {
    this.ok.stop();
    this.timer.stop();
    if (this.glareTimer) this.ctx.clock.clearTimeout(this.glareTimer);
    this.glareTimer = null;
  }

  /** Ends the session now (after BYE either way, or at shutdown). */
  end(reason: EndReason): void {
    if (this.state === 'terminated') return;
    this.stopTimers();
    this.endReason = reason;
    this.transition('terminated');
    this.dialog.transition('terminated');
    this.ctx.removeDialog(this.dialog.key, this);
    if (this.counted) this.ctx.callEnded(this.trunk);
    this.ctx.logger.debug('session ended', { callId: this.callId, reason });
    this.delegate.onTerminated?.(reason);
  }
}

export type { AnswerOptions };
