/**
 * An INVITE we send (RFC 3261 §13.2): provisional responses create early dialogs (several when
 * the request forks), reliable ones are PRACKed (RFC 3262 §4), the first 2xx becomes the Session
 * and is ACKed (§13.2.2.4) — later 2xx from other forks are ACKed and sent BYE. CANCEL waits for
 * a provisional (§9.1); a 2xx racing a CANCEL is ACKed and hung up. 401/407 are answered once
 * with credentials (§22.2); 422 is retried with the larger Session-Expires (RFC 4028 §7.3).
 *
 *   calling ──1xx──▶ proceeding ──2xx──▶ accepted
 *      └──────────────┴── 3xx–6xx / timeout / CANCEL ──▶ failed
 */
import { Dialog, contactUri, withoutTag } from '../dialog/dialog.js';
import { hasOptionTag, parseMinSE, uacOutcome } from '../dialog/session-timer.js';
import { createCancel } from '../message/build.js';
import { HeaderList } from '../message/headers.js';
import { generateTag } from '../message/ids.js';
import { SipRequest, type SipResponse } from '../message/message.js';
import { serializeMessage } from '../message/serializer.js';
import type {
  ClientTransaction,
  ClientTransactionUser,
  InviteClientTransaction,
} from '../transaction/client.js';
import type { ServerTransaction } from '../transaction/server.js';
import type { IncomingRequest, IncomingResponse, SendTarget } from '../transport/transport-layer.js';
import type { DialogUser, UaContext } from './context.js';
import { authorize, pickChallenge, type DigestCredentials } from './digest.js';
import { InDialogRequest } from './in-dialog-request.js';
import { Session } from './session.js';

export type OutgoingCallState = 'calling' | 'proceeding' | 'accepted' | 'failed';
export const OUTGOING_CALL_EDGES: Readonly<Record<OutgoingCallState, readonly OutgoingCallState[]>> = {
  calling: ['proceeding', 'accepted', 'failed'],
  // A 401/407/422 after a provisional starts a new INVITE transaction: calling again.
  proceeding: ['calling', 'accepted', 'failed'],
  accepted: [],
  failed: [],
};

export type FailReason = 'rejected' | 'timeout' | 'transport-error' | 'cancelled' | 'overloaded';

export interface OutgoingCallDelegate {
  onProgress?(res: SipResponse): void;
  /** The answer to an offer in a reliable 1xx, sent in the PRACK (RFC 3262 §5). */
  prackBody?(res: SipResponse): Buffer | undefined;
  /** The body for the ACK when the INVITE had no offer (late offer: the 2xx has it). */
  ackBody?(res: SipResponse): Buffer | undefined;
  onAccepted?(session: Session, res: SipResponse): void;
  onFailed?(res: SipResponse | null, reason: FailReason): void;
  /** An UPDATE from the callee in an early dialog; answer it or it is accepted with our offer. */
  onUpdate?(req: InDialogRequest): void;
}

export interface OutgoingCallOptions {
  /** Request-URI. */
  uri: string;
  /** To header value (default `<uri>`). */
  to?: string;
  /** From header value without tag. */
  from: string;
  next: SendTarget;
  body?: Buffer;
  contentType?: string;
  headers?: ReadonlyArray<[string, string]>;
  /** Route set to put in the INVITE (an outbound proxy, loose-routed). */
  route?: readonly string[];
  credentials?: DigestCredentials;
  trunk: string | null;
  callId: string;
  /** Send the INVITE over TCP when it exceeds the MTU on UDP (§18.1.1); the peer must listen on TCP. */
  tcpFallback?: boolean;
  /** This call's RFC 3262 mode over the stack's (a carrier profile's `rel100`). */
  prack?: 'supported' | 'required' | 'disabled';
  /** This call's RFC 4028 request over the stack's (a carrier profile's session timer). */
  sessionTimer?: { enabled: boolean; expires?: number };
}

interface EarlyLeg extends DialogUser {
  dialog: Dialog;
  lastRSeq: number;
}

export class OutgoingCall {
  state: OutgoingCallState = 'calling';
  delegate: OutgoingCallDelegate = {};
  readonly localTag = generateTag();
  session: Session | null = null;
  failReason: FailReason | null = null;
  private cseq = Math.floor(Math.random() * 10000) + 1;
  private tx: InviteClientTransaction | null = null;
  private branch = '';
  private invite: SipRequest | null = null;
  private readonly early = new Map<string, EarlyLeg>();
  private cancelWanted = false;
  private cancelSent = false;
  private authTried = false;
  private sessionExpires: number | null = null;
  private minSE: number | null = null;
  private localTarget: string;
  /** First hop; UDP may become TCP for a large INVITE (§18.1.1). */
  private next: SendTarget;

  constructor(
    private readonly ctx: UaContext,
    readonly opts: OutgoingCallOptions,
  ) {
    this.next = opts.next;
    this.localTarget = ctx.contact(opts.next.protocol, opts.next.remote.address);
    const st = ctx.config.sessionTimer;
    const own = opts.sessionTimer;
    if (own ? own.enabled : st.enabled) {
      // RFC 4028 §4: Session-Expires is never below our Min-SE.
      this.sessionExpires = Math.max(own?.expires ?? st.expires, st.minSE);
      this.minSE = st.minSE;
    }
  }

  get callId(): string {
    return this.opts.callId;
  }

  private transition(next: OutgoingCallState): boolean {
    if (!OUTGOING_CALL_EDGES[this.state].includes(next)) return false;
    if (this.ctx.debug)
      this.ctx.logger.debug(`outgoing call ${this.state} -> ${next}`, { callId: this.callId });
    this.state = next;
    return true;
  }

  private build(authorization?: [string, string]): SipRequest {
    const o = this.opts;
    const via = this.ctx.via(this.next.protocol, this.next.remote.address);
    this.branch = via.branch;
    const h = new HeaderList();
    const l = h.lines;
    l.push({ name: 'Via', key: 'via', value: via.value });
    l.push({ name: 'Max-Forwards', key: 'max-forwards', value: '70' });
    for (const r of o.route ?? []) l.push({ name: 'Route', key: 'route', value: r });
    l.push({ name: 'From', key: 'from', value: `${o.from};tag=${this.localTag}` });
    l.push({ name: 'To', key: 'to', value: o.to ?? `<${o.uri}>` });
    l.push({ name: 'Call-ID', key: 'call-id', value: o.callId });
    l.push({ name: 'CSeq', key: 'cseq', value: `${this.cseq} INVITE` });
    l.push({ name: 'Contact', key: 'contact', value: `<${this.localTarget}>` });
    l.push({ name: 'Allow', key: 'allow', value: this.ctx.config.allow.join(', ') });
    const prack = o.prack ?? this.ctx.config.prack;
    const supported = this.ctx.config.supported.filter((t) => t !== '100rel' || prack !== 'disabled');
    if (prack !== 'disabled' && !supported.includes('100rel')) supported.push('100rel');
    l.push({ name: 'Supported', key: 'supported', value: supported.join(', ') });
    if (prack === 'required') l.push({ name: 'Require', key: 'require', value: '100rel' });
    if (this.sessionExpires !== null) {
      l.push({ name: 'Session-Expires', key: 'session-expires', value: String(this.sessionExpires) });
      l.push({ name: 'Min-SE', key: 'min-se', value: String(this.minSE) });
    }
    l.push({ name: 'User-Agent', key: 'user-agent', value: this.ctx.config.userAgent });
    if (authorization) h.append(authorization[0], authorization[1]);
    for (const [n, v] of o.headers ?? []) h.append(n, v);
    const req = new SipRequest('INVITE', o.uri, h);
    if (o.body && o.body.length) {
      h.append('Content-Type', o.contentType ?? 'application/sdp');
      req.body = o.body;
    }
    return req;
  }

  /** Sends the INVITE. Returns false when the transaction table is full. */
  start(authorization?: [string, string]): boolean {
    let req = this.build(authorization);
    if (this.opts.tcpFallback && this.next.protocol === 'UDP') {
      const size = serializeMessage(req).length;
      if (this.ctx.transport.chooseProtocol('UDP', size, true, this.next.remote.address) === 'TCP') {
        // §18.1.1: over the MTU, TCP; the Via and Contact say so.
        this.next = { protocol: 'TCP', remote: this.next.remote };
        this.localTarget = this.ctx.contact('TCP', this.next.remote.address);
        req = this.build(authorization);
      }
    }
    this.invite = req;
    const tu: ClientTransactionUser = {
      onResponse: (res) => this.onResponse(res),
      onTimeout: () => this.fail(null, this.cancelSent ? 'cancelled' : 'timeout'),
      onTransportError: () => this.fail(null, 'transport-error'),
      onTimerC: () => this.cancel(),
    };
    const tx = this.ctx.transactions.sendRequest(req, this.branch, this.callId, this.next, tu);
    if (!tx) {
      this.fail(null, 'overloaded');
      return false;
    }
    this.tx = tx as InviteClientTransaction;
    return true;
  }

  /** Cancels the INVITE (§9.1): now if a provisional came, else as soon as one does. */
  cancel(): void {
    if (this.state !== 'calling' && this.state !== 'proceeding') return;
    this.cancelWanted = true;
    if (this.tx?.provisional) this.sendCancel();
  }

  private sendCancel(): void {
    if (this.cancelSent || !this.invite) return;
    this.cancelSent = true;
    const cancel = createCancel(this.invite);
    const noop = () => {};
    this.ctx.transactions.sendRequest(cancel, this.branch, this.callId, this.next, {
      onResponse: noop,
      onTimeout: noop,
      onTransportError: noop,
    });
  }

  private onResponse(res: IncomingResponse): void {
    const msg = res.msg;
    const status = msg.status;
    const toTag = res.core.toTag;
    if (status < 200) {
      if (this.state === 'calling') this.transition('proceeding');
      const fresh = toTag && status > 100 ? this.earlyLeg(res, toTag) : true;
      if (this.cancelWanted) this.sendCancel();
      if (status > 100 && fresh) this.delegate.onProgress?.(msg);
      return;
    }
    if (status < 300) {
      this.on2xx(res, toTag ?? '');
      return;
    }
    if (
      (status === 401 || status === 407) &&
      this.opts.credentials &&
      !this.authTried &&
      !this.cancelWanted
    ) {
      const ch = pickChallenge(
        msg.headers.getAll(status === 401 ? 'www-authenticate' : 'proxy-authenticate'),
      );
      if (ch) {
        this.authTried = true;
        this.retry([
          status === 401 ? 'Authorization' : 'Proxy-Authorization',
          authorize(ch, this.opts.credentials, 'INVITE', this.opts.uri),
        ]);
        return;
      }
    }
    if (status === 422 && this.sessionExpires !== null && !this.cancelWanted) {
      const min = parseMinSE(msg.headers.get('min-se'));
      if (min !== null && min > this.sessionExpires) {
        this.sessionExpires = min;
        this.minSE = min;
        this.retry();
        return;
      }
    }
    this.fail(msg, this.cancelSent && status === 487 ? 'cancelled' : 'rejected');
  }

  /** A new INVITE transaction with the next CSeq (§8.1.3.5, §22.2). */
  private retry(authorization?: [string, string]): void {
    this.clearEarly();
    this.cseq++;
    if (this.state === 'proceeding') this.transition('calling');
    this.start(authorization);
  }

  private makeDialog(res: IncomingResponse, toTag: string, state: 'early' | 'confirmed'): Dialog {
    const msg = res.msg;
    const rr = msg.headers.list('record-route') ?? [];
    return new Dialog({
      role: 'uac',
      state,
      callId: this.callId,
      localTag: this.localTag,
      remoteTag: toTag,
      localUri: this.opts.from,
      remoteUri: withoutTag(msg.headers.get('to') ?? ''),
      localTarget: this.localTarget,
      remoteTarget: contactUri(msg.headers.get('contact')) ?? this.opts.uri,
      // §12.1.2: the UAC's route set is the Record-Route of the response, reversed.
      routeSet: rr.reverse(),
      localSeq: this.cseq,
      remoteSeq: null,
      secure: this.opts.uri.startsWith('sips:'),
    });
  }

  /** Creates or updates the early dialog; false for a retransmitted reliable provisional. */
  private earlyLeg(res: IncomingResponse, toTag: string): boolean {
    let leg = this.early.get(toTag);
    if (!leg) {
      if (this.early.size >= this.ctx.config.maxForks) return true;
      const dialog = this.makeDialog(res, toTag, 'early');
      const created: EarlyLeg = {
        dialog,
        lastRSeq: -1,
        receiveRequest: (req, tx) => this.earlyRequest(created, req, tx),
      };
      leg = created;
      this.early.set(toTag, leg);
      this.ctx.addDialog(dialog.key, leg);
    } else {
      const c = contactUri(res.msg.headers.get('contact'));
      if (c) leg.dialog.remoteTarget = c;
    }
    // RFC 3262 §4: PRACK a reliable provisional, in RSeq order, once.
    const msg = res.msg;
    if (hasOptionTag(msg.headers, 'require', '100rel')) {
      const rseq = Number(msg.headers.get('rseq'));
      if (!Number.isInteger(rseq) || rseq < 0) return false;
      if (leg.lastRSeq !== -1 && rseq !== leg.lastRSeq + 1) return false;
      leg.lastRSeq = rseq;
      const prack = leg.dialog.createRequest('PRACK');
      prack.headers.append('RAck', `${rseq} ${res.core.cseq} INVITE`);
      const body = this.delegate.prackBody?.(msg);
      if (body && body.length) {
        prack.headers.append('Content-Type', 'application/sdp');
        prack.body = body;
      }
      this.sendInDialog(leg.dialog, prack);
    }
    return true;
  }

  private sendInDialog(dialog: Dialog, req: SipRequest): ClientTransaction | null {
    const target = this.ctx.dialogTarget(dialog, this.next);
    const via = this.ctx.via(target.protocol, target.remote.address);
    req.headers.lines.unshift({ name: 'Via', key: 'via', value: via.value });
    const noop = () => {};
    return this.ctx.transactions.sendRequest(req, via.branch, this.callId, target, {
      onResponse: noop,
      onTimeout: noop,
      onTransportError: noop,
    });
  }

  /** Sends an UPDATE in the (first) early dialog (RFC 3311 §5.1). */
  update(body: Buffer): boolean {
    const leg = this.early.values().next().value;
    if (!leg || (this.state !== 'proceeding' && this.state !== 'calling')) return false;
    const req = leg.dialog.createRequest('UPDATE', { contact: true });
    req.headers.append('Content-Type', 'application/sdp');
    req.body = body;
    return this.sendInDialog(leg.dialog, req) !== null;
  }

  private earlyRequest(leg: EarlyLeg, req: IncomingRequest, tx: ServerTransaction): void {
    const msg = req.msg;
    leg.dialog.acceptRemoteSeq(req.core.cseq, msg.method);
    const r = new InDialogRequest(msg, tx, this.localTag, (res, ir) => {
      if (msg.method === 'UPDATE' && res.status < 300) res.headers.append('Contact', `<${this.localTarget}>`);
      ir.transaction.respond(res);
    });
    if (msg.method === 'UPDATE') {
      const c = contactUri(msg.headers.get('contact'));
      if (c) leg.dialog.remoteTarget = c;
      if (this.delegate.onUpdate) this.delegate.onUpdate(r);
      else r.accept(msg.body.length && this.opts.body ? { body: this.opts.body } : {});
    } else if (msg.method === 'BYE') {
      r.accept();
      this.dropLeg(leg);
    } else if (msg.method === 'INFO' || msg.method === 'OPTIONS' || msg.method === 'NOTIFY') {
      r.accept();
    } else {
      r.reject(481);
    }
  }

  private dropLeg(leg: EarlyLeg): void {
    leg.dialog.transition('terminated');
    this.ctx.removeDialog(leg.dialog.key, leg);
    this.early.delete(leg.dialog.remoteTag);
  }

  private clearEarly(): void {
    for (const leg of [...this.early.values()]) this.dropLeg(leg);
  }

  private on2xx(res: IncomingResponse, toTag: string): void {
    // A retransmission, or a 2xx from a second fork (§13.2.2.4): ACK it; BYE the extra fork.
    if (this.session) {
      if (this.session.dialog.remoteTag === toTag) this.session.receive2xxRetransmission(res);
      else this.ackAndBye(res, toTag);
      return;
    }
    const leg = this.early.get(toTag);
    if (leg) {
      this.ctx.removeDialog(leg.dialog.key, leg);
      this.early.delete(toTag);
    }
    this.clearEarly();
    const dialog = this.makeDialog(res, toTag, 'confirmed');
    if (leg) dialog.localSeq = Math.max(dialog.localSeq, leg.dialog.localSeq);
    const session = new Session(this.ctx, dialog, this.opts.trunk, this.next, 'confirmed');
    session.localBody = this.opts.body ?? null;
    if (res.msg.body.length) session.remoteBody = res.msg.body;
    const allow = res.msg.headers.get('allow');
    session.peerAllowsUpdate = allow !== undefined && /\bUPDATE\b/i.test(allow);
    this.session = session;
    this.ctx.addDialog(dialog.key, session);
    this.transition('accepted');
    session.sendAck(res.core.cseq, this.opts.body ? undefined : this.delegate.ackBody?.(res.msg));
    if (this.cancelWanted) {
      // The 2xx crossed our CANCEL (§9.1): the call is up, so hang it up.
      session.bye('local-bye');
      return;
    }
    const st = uacOutcome(res.msg.headers);
    if (st) session.startSessionTimer(st.delta, st.refresher === 'uac');
    this.delegate.onAccepted?.(session, res.msg);
  }

  private ackAndBye(res: IncomingResponse, toTag: string): void {
    if (this.ctx.debug) this.ctx.logger.debug('2xx from a second fork: ACK and BYE', { callId: this.callId });
    const d = this.makeDialog(res, toTag, 'confirmed');
    const s = new Session(this.ctx, d, null, this.next, 'confirmed', false);
    s.sendAck(res.core.cseq);
    this.ctx.addDialog(d.key, s);
    s.bye('local-bye');
  }

  private fail(res: SipResponse | null, reason: FailReason): void {
    if (this.state === 'accepted' || this.state === 'failed') return;
    this.transition('failed');
    this.failReason = reason;
    this.clearEarly();
    this.ctx.callEnded(this.opts.trunk);
    this.delegate.onFailed?.(res, reason);
  }
}
