/**
 * An INVITE received outside a dialog (RFC 3261 §13.3), for the application to answer:
 * provisional responses (reliable ones per RFC 3262 when the caller supports 100rel), accept
 * (2xx, creating the Session) or reject. It also owns the early dialog: PRACK and UPDATE
 * (RFC 3311) inside it, and CANCEL (§9.2 → 487).
 *
 *   proceeding ──1xx──▶ early ──2xx──▶ accepted
 *       └───────────────┴── reject / CANCEL / no PRACK ──▶ ended
 */
import type { TimerHandle } from '../clock.js';
import { Dialog, contactUri, withoutTag } from '../dialog/dialog.js';
import { hasOptionTag, uasHeaders, type UasTimerDecision } from '../dialog/session-timer.js';
import { createResponse } from '../message/build.js';
import type { CoreHeaders } from '../message/core-headers.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { InviteServerTransaction, ServerTransaction } from '../transaction/server.js';
import type { IncomingRequest, SendTarget } from '../transport/transport-layer.js';
import type { DialogUser, UaContext } from './context.js';
import { InDialogRequest, type AnswerOptions } from './in-dialog-request.js';
import { parseRAck, ReliableProvisionals } from './reliable-provisional.js';
import { Session } from './session.js';

export type IncomingCallState = 'proceeding' | 'early' | 'accepted' | 'ended';
export const INCOMING_CALL_EDGES: Readonly<Record<IncomingCallState, readonly IncomingCallState[]>> = {
  proceeding: ['early', 'accepted', 'ended'],
  early: ['accepted', 'ended'],
  accepted: [],
  ended: [],
};

export interface IncomingCallDelegate {
  /** The caller CANCELled before we answered (we have sent 487). */
  onCancel?(): void;
  /** A PRACK arrived (its body answers an offer in our reliable 1xx). */
  onPrack?(prack: SipRequest): void;
  /** An UPDATE in the early dialog; answer it, or it is accepted with our last body. */
  onUpdate?(req: InDialogRequest): void;
  /** The call ended before it was accepted (rejected, cancelled, PRACK timeout). */
  onEnded?(status: number): void;
}

export interface ProgressOptions extends AnswerOptions {
  /** Send reliably (RFC 3262). Default: when the caller requires 100rel, or supports it and there is a body. */
  reliable?: boolean;
}

export class IncomingCall implements DialogUser {
  state: IncomingCallState = 'proceeding';
  delegate: IncomingCallDelegate = {};
  readonly localTag: string;
  session: Session | null = null;
  /** Called once when the call leaves the proceeding/early states (the stack's bookkeeping). */
  onSettled: (() => void) | null = null;
  private dialog: Dialog | null = null;
  private rel: ReliableProvisionals | null = null;
  private deferredAccept: AnswerOptions | null = null;
  private localBody: Buffer | null = null;
  private readonly responseTarget: SendTarget;
  private readonly localTarget: string;
  /** An INVITE nobody answers is not held forever: 480 after Timer C (the UAC's own guard). */
  private readonly guard: TimerHandle | null;

  constructor(
    private readonly ctx: UaContext,
    readonly incoming: IncomingRequest,
    private readonly tx: InviteServerTransaction,
    readonly trunk: string | null,
    localTag: string,
    /** Session-timer outcome negotiated when the INVITE arrived (422s are sent before). */
    private readonly timerDecision: UasTimerDecision,
  ) {
    this.localTag = localTag;
    this.responseTarget = ctx.transport.responseTarget(incoming);
    this.localTarget = ctx.contact(incoming.source.transport.protocol, incoming.source.remote.address);
    this.guard =
      ctx.timers.C > 0
        ? ctx.clock.setTimeout(() => this.reject(480, { reason: 'Temporarily Unavailable' }), ctx.timers.C)
        : null;
  }

  get request(): SipRequest {
    return this.incoming.msg;
  }
  get core(): CoreHeaders {
    return this.incoming.core;
  }
  get callId(): string {
    return this.incoming.core.callId;
  }
  /** The caller's offer, when the INVITE has one. */
  get offer(): Buffer | null {
    return this.incoming.msg.body.length ? this.incoming.msg.body : null;
  }
  get supports100rel(): boolean {
    const h = this.incoming.msg.headers;
    return hasOptionTag(h, 'supported', '100rel') || hasOptionTag(h, 'require', '100rel');
  }
  get requires100rel(): boolean {
    return hasOptionTag(this.incoming.msg.headers, 'require', '100rel');
  }

  private transition(next: IncomingCallState): boolean {
    if (!INCOMING_CALL_EDGES[this.state].includes(next)) return false;
    if (this.ctx.debug)
      this.ctx.logger.debug(`incoming call ${this.state} -> ${next}`, { callId: this.callId });
    this.state = next;
    if (next === 'accepted' || next === 'ended') {
      if (this.guard) this.ctx.clock.clearTimeout(this.guard);
      const s = this.onSettled;
      this.onSettled = null;
      s?.();
    }
    return true;
  }

  /** §12.1.1: the dialog a response with our To tag creates (early for 1xx). */
  private ensureDialog(): Dialog {
    if (this.dialog) return this.dialog;
    const { msg, core } = this.incoming;
    const rr = msg.headers.list('record-route') ?? [];
    this.dialog = new Dialog({
      role: 'uas',
      state: 'early',
      callId: core.callId,
      localTag: this.localTag,
      remoteTag: core.fromTag ?? '',
      localUri: withoutTag(msg.headers.get('to') ?? ''),
      remoteUri: withoutTag(msg.headers.get('from') ?? ''),
      localTarget: this.localTarget,
      remoteTarget: contactUri(msg.headers.get('contact')) ?? msg.uri,
      routeSet: rr,
      localSeq: Math.floor(Math.random() * 10000) + 1,
      remoteSeq: core.cseq,
      secure: msg.uri.startsWith('sips:'),
    });
    this.ctx.addDialog(this.dialog.key, this);
    return this.dialog;
  }

  private response(status: number, opts: AnswerOptions, extra: Array<[string, string]> = []): SipResponse {
    const headers: Array<[string, string]> = [...extra, ...(opts.headers ?? [])];
    if (opts.body && opts.body.length) headers.push(['Content-Type', opts.contentType ?? 'application/sdp']);
    return createResponse(this.incoming.msg, status, {
      toTag: this.localTag,
      headers,
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.body ? { body: opts.body } : {}),
    });
  }

  /** Sends a provisional response (101–199). Returns false when the call is past that. */
  progress(status = 180, opts: ProgressOptions = {}): boolean {
    if (this.state !== 'proceeding' && this.state !== 'early') return false;
    if (status <= 100 || status > 199) return false;
    this.ensureDialog();
    this.transition('early');
    const extra: Array<[string, string]> = [['Contact', `<${this.localTarget}>`]];
    const hasBody = !!opts.body && opts.body.length > 0;
    if (hasBody) this.localBody = opts.body!;
    const reliable =
      this.ctx.config.prack !== 'disabled' &&
      (opts.reliable ?? (this.requires100rel || (this.supports100rel && hasBody))) &&
      this.supports100rel;
    if (!reliable) {
      this.tx.respond(this.response(status, opts, extra));
      return true;
    }
    this.rel ??= new ReliableProvisionals(
      this.ctx.clock,
      this.ctx.timers.T1,
      this.ctx.timers.T2,
      (res) => this.tx.respond(res),
      (data) => {
        const c = this.ctx.counters.retransmissionsSent;
        c['INVITE 1xx'] = (c['INVITE 1xx'] ?? 0) + 1;
        this.ctx.transport.send(data, this.responseTarget);
      },
      () => this.reject(500, { reason: 'Reliable Provisional Not Acknowledged' }),
    );
    const rseq = this.rel.takeRSeq();
    extra.push(['Require', '100rel'], ['RSeq', String(rseq)]);
    return this.rel.add(rseq, this.response(status, opts, extra), hasBody);
  }

  /** Answers 2xx and returns the Session (null if the call is past that). */
  accept(opts: AnswerOptions = {}): Session | null {
    if (this.state !== 'proceeding' && this.state !== 'early') return null;
    if (this.rel?.unackedOffer) {
      // RFC 3262 §3: no 2xx while a reliable 1xx with an offer is unacknowledged.
      this.deferredAccept = opts;
      return this.makeSession();
    }
    return this.sendAccept(opts);
  }

  private makeSession(): Session {
    if (this.session) return this.session;
    const dialog = this.ensureDialog();
    const s = new Session(this.ctx, dialog, this.trunk, this.responseTarget, 'waiting-ack');
    s.remoteBody = this.offer;
    const allow = this.incoming.msg.headers.get('allow');
    s.peerAllowsUpdate = allow !== undefined && /\bUPDATE\b/i.test(allow);
    this.session = s;
    return s;
  }

  private sendAccept(opts: AnswerOptions): Session {
    const session = this.makeSession();
    this.rel?.stop();
    this.transition('accepted');
    const extra: Array<[string, string]> = [
      ['Contact', `<${this.localTarget}>`],
      ['Allow', this.ctx.config.allow.join(', ')],
      ['Supported', this.ctx.config.supported.join(', ')],
      ...uasHeaders(this.timerDecision),
    ];
    const body = opts.body ?? this.localBody ?? undefined;
    const res = this.response(200, { ...opts, ...(body ? { body } : {}) }, extra);
    if (body) session.localBody = body;
    const dialog = session.dialog;
    dialog.transition('confirmed');
    // The Session takes over the dialog entry (same key).
    this.ctx.addDialog(dialog.key, session);
    const data = this.tx.respond(res);
    if (data) session.awaitAck(data, this.incoming.core.cseq, this.responseTarget);
    if (this.timerDecision.kind === 'accept') {
      session.startSessionTimer(this.timerDecision.delta, this.timerDecision.refresher === 'uas');
    }
    return session;
  }

  /** Rejects with a final non-2xx response. */
  reject(status: number, opts: AnswerOptions = {}): boolean {
    if (this.state !== 'proceeding' && this.state !== 'early') return false;
    if (status < 300 || status > 699) return false;
    this.rel?.stop();
    this.transition('ended');
    this.tx.respond(this.response(status, opts));
    this.finish(status);
    return true;
  }

  private finish(status: number): void {
    if (this.dialog) {
      this.dialog.transition('terminated');
      this.ctx.removeDialog(this.dialog.key, this);
    }
    if (this.session) this.session.end('dialog-error');
    else this.ctx.callEnded(this.trunk);
    this.delegate.onEnded?.(status);
  }

  /** CANCEL for this INVITE (§9.2): 487 to the INVITE unless it already has a final response. */
  receiveCancel(): void {
    if (this.state !== 'proceeding' && this.state !== 'early') return;
    this.reject(487);
    this.delegate.onCancel?.();
  }

  /** Requests in the early dialog: PRACK, UPDATE, BYE. */
  receiveRequest(req: IncomingRequest, tx: ServerTransaction): void {
    const msg = req.msg;
    const respond = (status: number, opts: AnswerOptions = {}) =>
      tx.respond(
        createResponse(msg, status, {
          toTag: this.localTag,
          ...(opts.body ? { body: opts.body } : {}),
          headers: opts.body
            ? [['Content-Type', 'application/sdp'], ...(opts.headers ?? [])]
            : (opts.headers ?? []),
        }),
      );
    if (msg.method === 'PRACK') {
      const rack = parseRAck(msg.headers.get('rack'));
      if (
        !rack ||
        rack.method !== 'INVITE' ||
        rack.cseq !== this.incoming.core.cseq ||
        !this.rel?.prack(rack.rseq)
      ) {
        respond(481);
        return;
      }
      respond(200);
      if (msg.body.length && this.session) this.session.remoteBody = msg.body;
      this.delegate.onPrack?.(msg);
      if (this.deferredAccept && !this.rel.unackedOffer) {
        const opts = this.deferredAccept;
        this.deferredAccept = null;
        this.sendAccept(opts);
      }
      return;
    }
    if (msg.method === 'UPDATE') {
      const c = contactUri(msg.headers.get('contact'));
      if (c && this.dialog) this.dialog.remoteTarget = c;
      const r = new InDialogRequest(msg, tx, this.localTag, (res, ir) => {
        if (res.status >= 200 && res.status < 300) {
          res.headers.append('Contact', `<${this.localTarget}>`);
          if (res.body.length) this.localBody = res.body;
        }
        ir.transaction.respond(res);
      });
      if (this.delegate.onUpdate) this.delegate.onUpdate(r);
      else r.accept(msg.body.length && this.localBody ? { body: this.localBody } : {});
      return;
    }
    if (msg.method === 'BYE') {
      respond(200);
      this.reject(487);
      return;
    }
    if (msg.method === 'INFO' || msg.method === 'OPTIONS') {
      respond(200);
      return;
    }
    respond(481);
  }
}
