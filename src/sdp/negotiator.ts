/**
 * One dialog's SDP offer/answer state machine (RFC 3264). Covers offers in INVITE, 183 and 200
 * (late offer), re-INVITE/UPDATE re-offers, hold/resume, and glare.
 *
 *   idle ──create-offer──▶ local-offer ──apply-answer──▶ stable
 *    │                        │  ▲ rollback (491, failure)   │ ▲
 *    └──answer-offer──▶ stable ◀┘  └───────create-offer──────┘ │ answer-offer / apply-answer (183→200)
 *
 * Our o= version increases by exactly one whenever our SDP changes and stays when it does not
 * (RFC 3264 §8). Unusable input is a coded error; the state does not move on an error.
 */
import { type AudioCapabilities, type NegotiatedAudio, answerAudio, applyAudioAnswer } from './audio.js';
import { type LocalApplicationSection, type LocalSection, writeSdp } from './build.js';
import { DEFAULT_SDP_LIMITS, type SdpLimits } from './limits.js';
import { type Logger, silentLogger } from './logger.js';
import type { Direction, MediaSection, ParsedSdp } from './model.js';
import { holdDirection } from './model.js';
import {
  type MrcpChannel,
  type MrcpServerCapabilities,
  type NegotiatedMrcp,
  answerMrcp,
  applyMrcpAnswer,
  isMrcpSection,
} from './mrcp.js';
import { parseSdp } from './parse.js';
import { type OfferSpec, planOffer } from './plan-offer.js';
import { type Result, type SdpErrorCode, ok, sdpError } from './result.js';

export type NegotiationState = 'idle' | 'local-offer' | 'stable';
export type NegotiationEvent = 'create-offer' | 'answer-offer' | 'apply-answer' | 'rollback';

/** The transition table; `rollback` returns to the state before the offer (resolved by the caller). */
export const TRANSITIONS: Readonly<
  Record<NegotiationState, Partial<Record<NegotiationEvent, NegotiationState | 'previous'>>>
> = {
  idle: { 'create-offer': 'local-offer', 'answer-offer': 'stable' },
  'local-offer': { 'apply-answer': 'stable', rollback: 'previous' },
  stable: { 'create-offer': 'local-offer', 'answer-offer': 'stable', 'apply-answer': 'stable' },
};

export interface AnswerSpec {
  readonly audio?: AudioCapabilities;
  readonly mrcp?: MrcpServerCapabilities;
}

export interface NegotiatedMedia {
  readonly audio: NegotiatedAudio | undefined;
  readonly mrcp: NegotiatedMrcp;
}

export interface NegotiationResult {
  readonly media: NegotiatedMedia;
  /** Our SDP (the answer, for answerOffer). */
  readonly sdp: string | undefined;
  /** The peer's o= version did not change: a session refresh (RFC 3264 §8). */
  readonly unchanged: boolean;
}

export interface NegotiatorOptions {
  readonly username?: string;
  readonly sessionName?: string;
  /** Decimal digits; random when absent. */
  readonly sessionId?: string;
  readonly limits?: SdpLimits;
  readonly logger?: Logger;
  readonly random?: () => number;
}

export class SdpNegotiator {
  private current: NegotiationState = 'idle';
  private beforeOffer: NegotiationState = 'idle';
  private readonly username: string;
  private readonly sessionName: string;
  private readonly sessionId: string;
  private readonly limits: SdpLimits;
  private readonly log: Logger;
  private version = 0n;
  private sentBody: string | undefined;
  private sentSdp: string | undefined;
  /** The m= lines of our last SDP that took effect (answer, or offer once answered). */
  private sections: readonly LocalSection[] = [];
  private pendingSections: readonly LocalSection[] = [];
  private lastOfferSpec: OfferSpec | undefined;
  private lastAnswerAudio: AudioCapabilities | undefined;
  private lastRole: 'offerer' | 'answerer' | undefined;
  private remoteOrigin: { sessionId: string; version: string } | undefined;
  private negotiated: NegotiatedMedia | undefined;
  private channels = new Map<number, MrcpChannel>();

  constructor(options: NegotiatorOptions = {}) {
    const random = options.random ?? Math.random;
    this.username = options.username ?? 'voicegate';
    this.sessionName = options.sessionName ?? 'voicegate';
    this.sessionId = options.sessionId ?? String(1_000_000_000 + Math.floor(random() * 8_999_999_999));
    this.limits = options.limits ?? DEFAULT_SDP_LIMITS;
    this.log = options.logger ?? silentLogger;
  }

  get state(): NegotiationState {
    return this.current;
  }

  /** The media agreed by the last completed exchange. */
  get media(): NegotiatedMedia | undefined {
    return this.negotiated;
  }

  /** Our last SDP sent (offer or answer), e.g. to repeat the answer of a 183 in the 200. */
  get localSdp(): string | undefined {
    return this.sentSdp;
  }

  private transition(event: NegotiationEvent): boolean {
    const next = TRANSITIONS[this.current][event];
    if (next === undefined) return false;
    const to = next === 'previous' ? this.beforeOffer : next;
    this.log.debug(`sdp: ${this.current} -> ${to} (${event})`, { sessionId: this.sessionId });
    if (event === 'create-offer') this.beforeOffer = this.current;
    this.current = to;
    return true;
  }

  private render(sections: readonly LocalSection[]): string {
    const first =
      sections.find((s) => s.kind !== 'rejected' && s.port !== 0) ??
      sections.find((s) => s.kind !== 'rejected');
    const address = first && first.kind !== 'rejected' ? first.address : '0.0.0.0';
    const body = (version: bigint): string =>
      writeSdp({
        username: this.username,
        sessionId: this.sessionId,
        sessionVersion: version,
        sessionName: this.sessionName,
        address,
        sections,
      });
    const withoutOrigin = (sdp: string): string => sdp.replace(/^o=.*$/m, '');
    let sdp = body(this.version);
    const key = withoutOrigin(sdp);
    if (this.sentBody !== undefined && key !== this.sentBody) {
      this.version += 1n;
      sdp = body(this.version);
    }
    this.sentBody = key;
    this.sentSdp = sdp;
    return sdp;
  }

  /** Builds an offer (INVITE, 200 for a late offer, re-INVITE, UPDATE). Without a spec, re-offers the last one. */
  createOffer(spec: OfferSpec | undefined = this.lastOfferSpec): Result<{ sdp: string }> {
    if (!spec) return sdpError('bad_options', 'no offer to repeat');
    if (TRANSITIONS[this.current]['create-offer'] === undefined) {
      return sdpError('glare', `cannot offer in state ${this.current}: an offer is outstanding`);
    }
    const planned = planOffer(this.sections, spec, this.limits.maxMedia);
    if (!planned.ok) return planned;
    this.pendingSections = planned.value;
    this.lastOfferSpec = spec;
    this.transition('create-offer');
    return ok({ sdp: this.render(planned.value) });
  }

  /**
   * A re-offer of the current session with another audio direction: the negotiated codec only and
   * the same telephone-event PT (RFC 3264 §8.3.2), MRCP lines unchanged.
   */
  private reoffer(direction: (current: Direction) => Direction): Result<{ sdp: string }> {
    const base = this.lastOfferSpec ?? (this.lastAnswerAudio ? { audio: this.lastAnswerAudio } : undefined);
    if (!base?.audio) return sdpError('bad_options', 'no audio stream to re-offer');
    const agreed = this.negotiated?.audio;
    const audio: AudioCapabilities = {
      ...base.audio,
      direction: direction(base.audio.direction ?? 'sendrecv'),
      ...(agreed ? { codecs: [agreed.codec.id] } : {}),
      ...(agreed?.telephoneEvent && base.audio.telephoneEvent !== false
        ? { telephoneEvent: { pt: agreed.telephoneEvent.recvPt } }
        : {}),
    };
    const result = this.createOffer({ ...base, audio });
    // Keep the caller's own spec (full codec list) for later offers.
    if (result.ok) this.lastOfferSpec = { ...base, audio: { ...base.audio, direction: audio.direction } };
    return result;
  }

  /** RFC 3264 §8.4: hold by re-offering without receiving (sendrecv → sendonly, recvonly → inactive). */
  hold(): Result<{ sdp: string }> {
    return this.reoffer(holdDirection);
  }

  /** Resumes after hold with the direction given (default sendrecv). */
  resume(to: Direction = 'sendrecv'): Result<{ sdp: string }> {
    return this.reoffer(() => to);
  }

  /** The offer died (491, failure response, CANCEL): back to the state before it. */
  rollback(): Result<{ state: NegotiationState }> {
    if (!this.transition('rollback'))
      return sdpError('invalid_state', `nothing to roll back in state ${this.current}`);
    this.pendingSections = [];
    return ok({ state: this.current });
  }

  private parse(remote: string | Uint8Array): Result<ParsedSdp> {
    const parsed = parseSdp(remote, this.limits);
    if (!parsed.ok)
      this.log.info('sdp: unusable remote SDP', { code: parsed.error.code, reason: parsed.error.message });
    return parsed;
  }

  private remember(parsed: ParsedSdp): boolean {
    const prev = this.remoteOrigin;
    this.remoteOrigin = { sessionId: parsed.origin.sessionId, version: parsed.origin.sessionVersion };
    return (
      prev !== undefined &&
      prev.sessionId === parsed.origin.sessionId &&
      prev.version === parsed.origin.sessionVersion
    );
  }

  private channelDiff(next: Map<number, MrcpChannel>, rejected: NegotiatedMrcp['rejected']): NegotiatedMrcp {
    const added = [...next.values()].filter((c) => this.channels.get(c.index)?.channel !== c.channel);
    const removed = [...this.channels.values()]
      .filter((c) => next.get(c.index)?.channel !== c.channel)
      .map((c) => ({ index: c.index, resource: c.resource, channel: c.channel }));
    this.channels = next;
    return { channels: [...next.values()], added, removed, rejected };
  }

  /** Answers the peer's offer (INVITE, re-INVITE, UPDATE). No usable stream → 488 with a Warning. */
  answerOffer(remote: string | Uint8Array, spec: AnswerSpec): Result<NegotiationResult> {
    if (TRANSITIONS[this.current]['answer-offer'] === undefined) {
      return sdpError('glare', 'an offer of ours is outstanding (RFC 3261 §14.2: answer 491)');
    }
    const parsed = this.parse(remote);
    if (!parsed.ok) return parsed;
    const sections: LocalSection[] = [];
    let audio: NegotiatedAudio | undefined;
    let audioFailure: { reason: SdpErrorCode; message: string } | undefined;
    const next = new Map<number, MrcpChannel>();
    const rejected: { index: number; resource: string | undefined; reason: string }[] = [];
    let mrcpOffered = 0;
    for (const m of parsed.value.media) {
      if (m.kind === 'audio' && spec.audio && !audio && m.port !== 0) {
        const out = answerAudio(m, spec.audio);
        if (out.ok) {
          audio = out.negotiated;
          sections.push(out.section);
          continue;
        }
        audioFailure ??= { reason: out.reason, message: out.message };
      } else if (isMrcpSection(m) && spec.mrcp && m.port !== 0) {
        mrcpOffered++;
        const out = answerMrcp(m, spec.mrcp, this.channels.get(m.index));
        sections.push(out.section);
        if (out.ok) next.set(m.index, out.channel);
        else rejected.push({ index: m.index, resource: m.resource, reason: out.reason });
        continue;
      }
      sections.push(rejectedSection(m));
    }
    if (spec.mrcp && !parsed.value.media.some(isMrcpSection)) {
      return sdpError('bad_mrcp', 'the offer has no TCP/MRCPv2 or TCP/TLS/MRCPv2 line');
    }
    if (mrcpOffered > 0 && next.size === 0) {
      return sdpError(
        'bad_mrcp',
        `no MRCP resource could be granted: ${rejected.map((r) => r.reason).join('; ')}`,
      );
    }
    if (!audio && next.size === 0) {
      return audioFailure
        ? sdpError(audioFailure.reason, audioFailure.message)
        : sdpError('no_acceptable_media', 'no acceptable media stream offered');
    }
    const unchanged = this.remember(parsed.value);
    this.transition('answer-offer');
    this.lastRole = 'answerer';
    if (spec.audio) this.lastAnswerAudio = spec.audio;
    this.sections = sections;
    const media: NegotiatedMedia = { audio, mrcp: this.channelDiff(next, rejected) };
    this.negotiated = media;
    return ok({ media, sdp: this.render(sections), unchanged });
  }

  /** Reads the answer to our offer; also a repeated or revised answer (183 then 200) in stable. */
  processAnswer(remote: string | Uint8Array): Result<NegotiationResult> {
    const repeat = this.current === 'stable' && this.lastRole === 'offerer';
    if (this.current !== 'local-offer' && !repeat) {
      return sdpError('invalid_state', `no offer of ours awaits an answer (state ${this.current})`);
    }
    const parsed = this.parse(remote);
    if (!parsed.ok) return parsed;
    const offered = repeat ? this.sections : this.pendingSections;
    const answered = parsed.value.media;
    if (answered.length !== offered.length) {
      return sdpError(
        'media_count_mismatch',
        `answer has ${answered.length} m= lines, offer had ${offered.length}`,
      );
    }
    let audio: NegotiatedAudio | undefined;
    const next = new Map<number, MrcpChannel>();
    const rejected: { index: number; resource: string | undefined; reason: string }[] = [];
    for (let i = 0; i < offered.length; i++) {
      const ours = offered[i] as LocalSection;
      const theirs = answered[i] as MediaSection;
      if (ours.port === 0) continue;
      if (ours.kind === 'audio') {
        const out = applyAudioAnswer(ours, theirs);
        if (!out.ok) return sdpError(out.reason, out.message);
        audio = out.negotiated;
      } else if (ours.kind === 'application') {
        const out = applyMrcpAnswer(ours, theirs);
        if (out.ok) next.set(i, out.channel);
        else if (out.rejected) rejected.push({ index: i, resource: ours.resource, reason: out.reason });
        else return sdpError('bad_mrcp', out.reason);
      }
    }
    const wantedMrcp = offered.some((s) => s.kind === 'application' && s.port !== 0);
    if (wantedMrcp && next.size === 0)
      return sdpError('bad_mrcp', 'the server granted none of the MRCP resources');
    const unchanged = this.remember(parsed.value);
    this.transition('apply-answer');
    this.lastRole = 'offerer';
    this.sections = offered.map((s, i) =>
      s.kind === 'application' && rejected.some((r) => r.index === i)
        ? ({ ...s, port: 0 } satisfies LocalApplicationSection)
        : s,
    );
    this.pendingSections = [];
    const media: NegotiatedMedia = { audio, mrcp: this.channelDiff(next, rejected) };
    this.negotiated = media;
    return ok({ media, sdp: undefined, unchanged });
  }
}

function rejectedSection(m: MediaSection): LocalSection {
  return {
    kind: 'rejected',
    port: 0,
    media: m.kind,
    protocol: m.protocol,
    formats: m.formats.length > 0 ? m.formats : ['0'],
  };
}
