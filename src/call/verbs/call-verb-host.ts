/**
 * The VerbHost of a live Call: prompts, digits, DTMF out, recordings, hang-up with a Reason and
 * custom headers, CDR tags and call status come from the call layer; the speech, dial, refer and
 * mute capabilities are passed in by whoever has them (the daemon, from the speech and dialing
 * work) and are absent otherwise.
 */
import type { PlayEnd, RecordMode } from '../../media/index.js';
import type { Clock } from '../../rtp/index.js';
import type { DtmfSendMethod } from '../call-types.js';
import type { Call } from '../call.js';
import type { CallLogger } from '../leg-context.js';
import type { Q850Cause } from '../q850.js';
import { ReferTransfer } from '../refer.js';
import { MAX_TAG_BYTES } from './tag.js';
import type {
  DialOutcome,
  DialRequest,
  DigitSource,
  HostEvent,
  HostRecording,
  ReferOutcome,
  ReferRequest,
  Running,
  SpeechCapability,
  VerbHost,
} from './verb-host.js';

export interface HostCapabilities {
  readonly speech?: SpeechCapability | undefined;
  readonly dial?: ((r: DialRequest) => Running<DialOutcome>) | undefined;
  readonly refer?: ((r: ReferRequest) => Running<ReferOutcome>) | undefined;
  readonly mute?: ((on: boolean) => boolean) | undefined;
}

export class CallVerbHost implements VerbHost {
  readonly speech: SpeechCapability | undefined;
  readonly dial?: (r: DialRequest) => Running<DialOutcome>;
  readonly refer: (r: ReferRequest) => Running<ReferOutcome>;
  readonly mute?: (on: boolean) => boolean;

  constructor(
    private readonly call: Call,
    caps: HostCapabilities = {},
  ) {
    this.speech = caps.speech;
    if (caps.dial) this.dial = caps.dial;
    // REFER is the call layer's own (RFC 3515 over the leg's dialog) unless replaced.
    this.refer = caps.refer ?? ((r) => this.referOnLeg(r));
    if (caps.mute) this.mute = caps.mute;
  }

  get callId(): string {
    return this.call.callId;
  }
  get clock(): Clock {
    return this.call.clock;
  }
  get logger(): CallLogger {
    return this.call.logger;
  }
  get digits(): DigitSource {
    return this.call.digits;
  }
  get ended(): boolean {
    return this.call.ended;
  }

  answer(): boolean {
    return this.call.answer();
  }
  ensureMedia(): boolean {
    return this.call.ensureMedia();
  }
  play(file: string, onEnd: (why: PlayEnd | 'error', detail?: string) => void): void {
    this.call.play(file, onEnd);
  }
  stopPlayback(): void {
    this.call.stopPlayback();
  }
  sendDigits(
    digits: string,
    method: DtmfSendMethod | undefined,
    toneMs: number,
    gapMs: number,
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    return this.call.sendDigits(digits, method, toneMs, gapMs);
  }
  record(file: string, mode: RecordMode, maxMs: number): Promise<HostRecording | string> {
    return this.call.record(file, mode, maxMs);
  }
  hangup(cause: Q850Cause, headers: ReadonlyArray<[string, string]> = []): void {
    this.call.leg?.hangup(cause, 'app-hangup', headers);
  }
  tag(data: Readonly<Record<string, unknown>>): void {
    const merged = { ...this.call.tags, ...data };
    if (JSON.stringify(merged).length > MAX_TAG_BYTES) return;
    Object.assign(this.call.tags, data);
  }

  /** Blind transfer of the caller by REFER in the leg's dialog (only once connected). */
  private referOnLeg(r: ReferRequest): Running<ReferOutcome> {
    const leg = this.call.leg;
    const session = leg?.session;
    if (!leg || !session || leg.state !== 'connected') {
      return { done: Promise.resolve({ referStatus: 0 }), stop: () => undefined };
    }
    const t = new ReferTransfer(session, this.call.clock, {
      referTo: r.referTo,
      referredBy: r.referredBy,
      headers: Object.entries(r.headers),
      ...(r.onNotify ? { onNotify: r.onNotify } : {}),
    });
    leg.notifyHandler = (req) => t.onNotify(req);
    const done = t.start().finally(() => {
      if (leg.notifyHandler) leg.notifyHandler = undefined;
    });
    return { done, stop: () => t.stop() };
  }

  subscribe(fn: (ev: HostEvent) => void): () => void {
    const listener: Parameters<Call['listeners']['add']>[0] = (ev) => {
      switch (ev.type) {
        case 'progress':
          return fn({
            type: 'status',
            status: ev.earlyMedia ? 'early-media' : 'ringing',
            sipStatus: ev.status,
          });
        case 'answered':
          return fn({ type: 'status', status: 'in-progress', sipStatus: 200 });
        case 'digit':
          return fn({ type: 'digit', digit: ev.digit, source: ev.source });
        case 'ended': {
          const answered = this.call.leg?.times.answer !== undefined;
          return fn({
            type: 'status',
            status: answered ? 'completed' : 'failed',
            ...(ev.end.sipCode !== undefined ? { sipStatus: ev.end.sipCode } : {}),
          });
        }
        default:
          return undefined;
      }
    };
    this.call.listeners.add(listener);
    return () => this.call.listeners.delete(listener);
  }
}
