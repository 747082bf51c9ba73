/**
 * One call leg: a SIP dialog (incoming or outgoing INVITE, then its Session) with its SDP
 * negotiator and media stream. It answers offers wherever they come (INVITE, 183, 200, ACK for a
 * late offer, re-INVITE and UPDATE — hold and resume included), turns INFO DTMF into stream
 * digits, sends digits by any method, and records how it ended (who, SIP code, Q.850 Reason).
 */
import type { NegotiatedAudio } from '../sdp/index.js';
import { SdpNegotiator, warningHeader, type AudioCapabilities, type SdpError } from '../sdp/index.js';
import type { IncomingCall, InDialogRequest, OutgoingCall, Session, SipResponse } from '../sip/index.js';
import type { MediaStream, MediaStreamStats, StreamDigit } from '../media/index.js';
import type { DtmfSendMethod, TrunkMedia } from './call-types.js';
import { formatDtmfInfo, isDtmfInfoType, parseDtmfInfo } from './dtmf-info.js';
import type { LegContext } from './leg-context.js';
import { legCanGo, type LegEnd, type LegState } from './leg-state.js';
import { parseReason, q850ForSip, reasonHeader, sipForQ850, type Q850Cause } from './q850.js';

export type LegDirection = 'inbound' | 'outbound';

export interface LegEvents {
  /** Outbound: a provisional response; `earlyMedia` when its SDP set up media. */
  onProgress?(status: number, earlyMedia: boolean): void;
  /** Outbound: 200 received; inbound: our 200 was sent. */
  onAnswered?(): void;
  onEnded?(end: LegEnd): void;
  onDigit?(digit: StreamDigit): void;
  /** The peer put us on hold (true) or resumed (false). */
  onHold?(held: boolean): void;
  onMediaTimeout?(silentForMs: number): void;
}

export type DigitsResult = { ok: true } | { ok: false; reason: string; sipCode?: number };

export interface LegTimes {
  start: number;
  progress: number | undefined;
  answer: number | undefined;
  end: number | undefined;
}

export class Leg {
  state: LegState = 'init';
  events: LegEvents = {};
  session: Session | undefined;
  /** Takes the dialog's NOTIFYs first (a REFER transfer); true when it answered one. */
  notifyHandler: ((req: InDialogRequest) => boolean) | undefined;
  incoming: IncomingCall | undefined;
  outgoing: OutgoingCall | undefined;
  end: LegEnd | undefined;
  held = false;
  /** Times the peer put the call on hold. */
  holds = 0;
  earlyMedia = false;
  readonly times: LegTimes;
  finalStats: MediaStreamStats | undefined;
  readonly sdp: SdpNegotiator;
  private pendingAnswer: string | undefined;
  private pendingAudio: NegotiatedAudio | undefined;
  private lateOffer = false;
  private awaitingAckAnswer = false;
  private mediaOn = false;
  private localEnd: LegEnd | undefined;
  private remoteReason: string | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly ctx: LegContext,
    readonly direction: LegDirection,
    /** Set once the INVITE has its Call-ID (outbound legs are built before). */
    public callId: string,
    readonly trunk: string | null,
    readonly media: TrunkMedia,
    readonly stream: MediaStream,
  ) {
    this.times = { start: ctx.clock.now(), progress: undefined, answer: undefined, end: undefined };
    this.sdp = new SdpNegotiator({ logger: ctx.logger, username: 'voicegate' });
    stream.events = {
      onDigit: (d) => this.events.onDigit?.(d),
      onInactive: (ms) => this.events.onMediaTimeout?.(ms),
    };
  }

  get negotiatedAudio(): NegotiatedAudio | undefined {
    return this.sdp.media?.audio;
  }

  caps(): AudioCapabilities {
    return {
      address: this.ctx.rtp.host,
      port: this.stream.port,
      ...(this.stream.rtcpPort !== undefined ? { rtcpPort: this.stream.rtcpPort } : {}),
      codecs: this.media.codecs,
      codecOrder: this.media.codecOrder,
      ptime: this.media.ptime,
      telephoneEvent: this.media.telephoneEvent,
      rtcpMux: this.media.rtcpMux,
    };
  }

  transition(next: LegState): boolean {
    if (!legCanGo(this.state, next)) return false;
    this.ctx.logger.debug(`leg ${this.state} -> ${next}`, { callId: this.callId, direction: this.direction });
    this.state = next;
    return true;
  }

  private applyAudio(audio: NegotiatedAudio | undefined): void {
    if (!audio) return;
    this.stream.configure(audio);
    this.mediaOn = true;
    if (audio.remoteHold !== this.held) {
      this.held = audio.remoteHold;
      if (this.held) this.holds++;
      this.ctx.logger.info(audio.remoteHold ? 'call held by the peer' : 'call resumed by the peer', {
        callId: this.callId,
      });
      this.events.onHold?.(this.held);
    }
  }

  // --- inbound ---

  /** Takes the INVITE's offer (or notes a late offer). False when the offer was refused (488/400 sent). */
  takeInvite(ic: IncomingCall): boolean {
    this.incoming = ic;
    this.transition('proceeding');
    const offer = ic.offer;
    if (!offer) {
      this.lateOffer = true;
      return true;
    }
    const r = this.sdp.answerOffer(offer, { audio: this.caps() });
    if (!r.ok) {
      this.refuseOffer(r.error);
      return false;
    }
    this.pendingAnswer = r.value.sdp;
    this.pendingAudio = r.value.media.audio;
    return true;
  }

  private refuseOffer(error: SdpError): void {
    const cause = q850ForSip(error.sipStatus);
    this.localEnd = {
      by: 'local',
      sipCode: error.sipStatus,
      q850: cause,
      reason: reasonHeader(cause),
      what: `sdp-${error.code}`,
    };
    this.ctx.logger.info('offer refused', { callId: this.callId, code: error.code, status: error.sipStatus });
    this.incoming?.reject(error.sipStatus, {
      headers: [
        ['Warning', warningHeader(error, this.ctx.agentHost)],
        ['Reason', reasonHeader(cause)],
      ],
    });
  }

  /** An UPDATE in the early dialog (RFC 3311): a new offer before the answer. */
  earlyUpdate(req: InDialogRequest): void {
    if (!req.body.length) return req.accept();
    const r = this.sdp.answerOffer(req.body, { audio: this.caps() });
    if (!r.ok)
      return req.reject(r.error.sipStatus, {
        headers: [['Warning', warningHeader(r.error, this.ctx.agentHost)]],
      });
    this.pendingAnswer = r.value.sdp;
    this.pendingAudio = r.value.media.audio;
    this.lateOffer = false;
    if (this.mediaOn) this.applyAudio(r.value.media.audio);
    req.accept({ body: Buffer.from(r.value.sdp ?? '') });
  }

  /** 180 Ringing. */
  ring(): boolean {
    if (!this.incoming || (this.state !== 'proceeding' && this.state !== 'early')) return false;
    if (!this.times.progress) this.times.progress = this.ctx.clock.now();
    return this.incoming.progress(180);
  }

  /** 183 with our answer and media from now on (early media). False when not possible (late offer). */
  startEarlyMedia(): boolean {
    if (!this.incoming || this.state !== 'proceeding' || this.lateOffer || !this.pendingAnswer) return false;
    if (!this.incoming.progress(183, { body: Buffer.from(this.pendingAnswer) })) return false;
    this.times.progress ??= this.ctx.clock.now();
    this.transition('early');
    this.earlyMedia = true;
    this.applyAudio(this.pendingAudio);
    return true;
  }

  /** 200 OK with our answer (or our offer, for a late offer). */
  answer(): boolean {
    const ic = this.incoming;
    if (!ic || (this.state !== 'proceeding' && this.state !== 'early')) return false;
    let body: string | undefined = this.pendingAnswer;
    if (this.lateOffer) {
      const o = this.sdp.createOffer({ audio: this.caps() });
      if (!o.ok) {
        this.hangup(47, 'sdp-offer-failed');
        return false;
      }
      body = o.value.sdp;
      this.awaitingAckAnswer = true;
    }
    const s = ic.accept({ body: Buffer.from(body ?? '') });
    if (!s) return false;
    this.bindSession(s);
    this.times.answer = this.ctx.clock.now();
    this.transition('connected');
    if (!this.lateOffer && !this.mediaOn) this.applyAudio(this.pendingAudio);
    this.events.onAnswered?.();
    return true;
  }

  /** The INVITE transaction ended before the answer (rejected by us, CANCEL, PRACK timeout). */
  incomingEnded(status: number): void {
    const end =
      this.localEnd ??
      (status === 487
        ? { by: 'remote' as const, sipCode: 487, q850: 31, reason: undefined, what: 'cancel' }
        : {
            by: 'local' as const,
            sipCode: status,
            q850: q850ForSip(status),
            reason: undefined,
            what: 'failed',
          });
    this.finish(end);
  }

  // --- outbound ---

  /** Our offer for the INVITE. */
  makeOffer(): string | undefined {
    const o = this.sdp.createOffer({ audio: this.caps() });
    return o.ok ? o.value.sdp : undefined;
  }

  startOutgoing(oc: OutgoingCall): void {
    this.outgoing = oc;
    this.transition('proceeding');
    oc.delegate = {
      onProgress: (res) => this.onProgress(res),
      onAccepted: (session, res) => this.onAccepted(session, res),
      onFailed: (res, reason) => this.onFailed(res, reason),
      onUpdate: (req) => this.inDialogOffer(req),
    };
  }

  private takeAnswer(body: Buffer): boolean {
    const r = this.sdp.processAnswer(body);
    if (!r.ok) {
      this.ctx.logger.warn('answer refused', { callId: this.callId, code: r.error.code });
      return false;
    }
    if (!r.value.unchanged || !this.mediaOn) this.applyAudio(r.value.media.audio);
    return true;
  }

  private onProgress(res: SipResponse): void {
    this.times.progress ??= this.ctx.clock.now();
    let early = false;
    if (res.body.length && this.state === 'proceeding' && this.takeAnswer(res.body)) {
      this.transition('early');
      this.earlyMedia = true;
      early = true;
    }
    this.events.onProgress?.(res.status, early || this.earlyMedia);
  }

  private onAccepted(session: Session, res: SipResponse): void {
    this.bindSession(session);
    this.times.answer = this.ctx.clock.now();
    if (res.body.length) this.takeAnswer(res.body);
    this.transition('connected');
    if (!this.mediaOn) {
      this.ctx.logger.warn('answered without usable SDP', { callId: this.callId });
      this.hangup(65, 'no-media');
      return;
    }
    this.events.onAnswered?.();
  }

  private onFailed(res: SipResponse | null, reason: string): void {
    if (this.localEnd) return this.finish(this.localEnd);
    const status = res?.status ?? (reason === 'timeout' ? 408 : 503);
    const header = res?.headers.get('reason');
    const parsed = parseReason(header);
    this.finish({
      by: res ? 'remote' : 'local',
      sipCode: status,
      q850: parsed?.cause ?? q850ForSip(status),
      reason: header,
      what: res ? 'rejected' : reason,
    });
  }

  // --- the confirmed dialog ---

  private bindSession(s: Session): void {
    this.session = s;
    // The Session hands BYE and ACK to no delegate with their headers and bodies: look at them
    // first (the BYE's Reason header for the CDR, the ACK's answer to our offer in a 2xx).
    const receiveRequest = s.receiveRequest.bind(s);
    s.receiveRequest = (req, tx) => {
      if (req.msg.method === 'BYE') this.remoteReason = req.msg.headers.get('reason');
      receiveRequest(req, tx);
    };
    const receiveAck = s.receiveAck.bind(s);
    s.receiveAck = (req) => {
      if (this.awaitingAckAnswer && req.msg.body.length) {
        this.awaitingAckAnswer = false;
        this.lateOffer = false;
        if (!this.takeAnswer(req.msg.body)) this.hangup(65, 'bad-ack-answer');
      }
      receiveAck(req);
    };
    s.delegate = {
      onReinvite: (req) => this.inDialogOffer(req),
      onUpdate: (req) => this.inDialogOffer(req),
      onInfo: (req) => this.onInfo(req),
      // RFC 3515 §2.4.4: the NOTIFYs of a transfer we asked for; any other NOTIFY is just answered.
      onNotify: (req) => {
        if (!this.notifyHandler?.(req)) req.accept();
      },
      onTerminated: (reason) => this.onTerminated(reason),
    };
  }

  /** re-INVITE / UPDATE: hold, resume, codec or address change (RFC 3264 §8). */
  private inDialogOffer(req: InDialogRequest): void {
    if (!req.body.length) {
      if (req.method !== 'INVITE') return req.accept();
      // An offerless re-INVITE: our offer in the 200, the answer in the ACK.
      const o = this.sdp.createOffer({ audio: this.caps() });
      if (!o.ok) return req.reject(500);
      this.awaitingAckAnswer = true;
      return req.accept({ body: Buffer.from(o.value.sdp) });
    }
    const r = this.sdp.answerOffer(req.body, { audio: this.caps() });
    if (!r.ok) {
      return req.reject(r.error.sipStatus, {
        headers: [['Warning', warningHeader(r.error, this.ctx.agentHost)]],
      });
    }
    if (!r.value.unchanged || !this.mediaOn) this.applyAudio(r.value.media.audio);
    req.accept({ body: Buffer.from(r.value.sdp ?? '') });
  }

  private onInfo(req: InDialogRequest): void {
    if (isDtmfInfoType(req.contentType)) {
      const d = parseDtmfInfo(req.contentType, req.body);
      if (!d) return req.reject(400, { reason: 'Bad DTMF Body' });
      req.accept();
      this.stream.injectDigit(d.digit, 'info', d.durationMs);
      return;
    }
    if (!req.body.length) return req.accept();
    req.reject(415, { headers: [['Accept', 'application/dtmf-relay, application/dtmf']] });
  }

  private onTerminated(reason: string): void {
    if (reason === 'remote-bye') {
      const parsed = parseReason(this.remoteReason);
      return this.finish({
        by: 'remote',
        sipCode: undefined,
        q850: parsed?.cause ?? 16,
        reason: this.remoteReason,
        what: 'bye',
      });
    }
    if (this.localEnd) return this.finish(this.localEnd);
    const q850: Q850Cause = reason === 'shutdown' ? 16 : reason === 'dialog-error' ? 41 : 102;
    this.finish({ by: 'local', sipCode: undefined, q850, reason: reasonHeader(q850), what: reason });
  }

  // --- digits out ---

  /** The method `auto` resolves to now. */
  resolveMethod(method: DtmfSendMethod): 'rfc4733' | 'info' | 'inband' {
    if (method !== 'auto') return method;
    return this.stream.telephoneEvent ? 'rfc4733' : 'inband';
  }

  /** Sends digits by `method`; resolves when the last one went out (or could not). */
  sendDigits(digits: string, method: DtmfSendMethod, toneMs: number, gapMs: number): Promise<DigitsResult> {
    const m = this.resolveMethod(method);
    if (m === 'info') return this.sendInfoDigits(digits, toneMs, gapMs);
    return new Promise((resolve) => {
      const r = this.stream.sendDigits(digits, m, {
        toneMs,
        gapMs,
        onDone: (completed) => resolve(completed ? { ok: true } : { ok: false, reason: 'call ended' }),
      });
      if (!r.ok) resolve({ ok: false, reason: r.reason });
    });
  }

  private async sendInfoDigits(digits: string, toneMs: number, gapMs: number): Promise<DigitsResult> {
    const type = this.media.infoContentType;
    for (const d of digits) {
      const s = this.session;
      if (!s || this.state !== 'connected') return { ok: false, reason: 'no-dialog' };
      const res = await new Promise<SipResponse | null>((resolve) => {
        if (!s.info(formatDtmfInfo(type, d, toneMs), type, resolve)) resolve(null);
      });
      if (!res) return { ok: false, reason: 'no-response' };
      if (res.status >= 300) return { ok: false, reason: 'rejected', sipCode: res.status };
      await new Promise<void>((resolve) => this.ctx.clock.setTimeout(resolve, toneMs + gapMs));
    }
    return { ok: true };
  }

  // --- the end ---

  /** Ends the leg from our side: reject or CANCEL before the answer, BYE after. Idempotent. */
  hangup(cause: Q850Cause, what = 'hangup', extraHeaders: ReadonlyArray<[string, string]> = []): void {
    const reason = reasonHeader(cause);
    switch (this.state) {
      case 'init':
        this.finish({ by: 'local', sipCode: undefined, q850: cause, reason, what });
        return;
      case 'proceeding':
      case 'early': {
        if (this.incoming) {
          const status = sipForQ850(cause);
          this.localEnd = { by: 'local', sipCode: status, q850: cause, reason, what };
          const headers: Array<[string, string]> = [['Reason', reason], ...extraHeaders];
          if (!this.incoming.reject(status, { headers })) this.finish(this.localEnd);
        } else if (this.outgoing) {
          this.localEnd = { by: 'local', sipCode: 487, q850: cause, reason, what };
          this.outgoing.cancel();
        }
        return;
      }
      case 'connected': {
        this.localEnd = { by: 'local', sipCode: undefined, q850: cause, reason, what };
        this.transition('terminating');
        const s = this.session;
        if (!s) return this.finish(this.localEnd);
        // Our BYE carries the cause (RFC 3326); the session ends when it is answered or times out.
        const headers: Array<[string, string]> = [['Reason', reason], ...extraHeaders];
        const sent = s.request('BYE', { headers }, () => s.end('local-bye'));
        if (!sent) s.end('local-bye');
        return;
      }
      default:
        return;
    }
  }

  private finish(end: LegEnd): void {
    if (this.state === 'terminated') return;
    this.end = end;
    this.times.end = this.ctx.clock.now();
    this.state = 'terminated';
    this.ctx.logger.debug('leg -> terminated', {
      callId: this.callId,
      direction: this.direction,
      by: end.by,
      what: end.what,
    });
    this.finalStats = this.stream.stats();
    this.closing = this.stream.close(end.what).catch((err: Error) => {
      this.ctx.logger.warn('media stream close failed', { callId: this.callId, error: err.message });
    });
    this.events.onEnded?.(end);
  }

  /** Resolves when the media stream is closed (after the leg ended). */
  closed(): Promise<void> {
    return this.closing ?? Promise.resolve();
  }
}
