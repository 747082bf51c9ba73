/**
 * Audio stream offer/answer (RFC 3264 §5, §6.1, §7): codec choice by preference, telephone-event
 * (RFC 4733 §2.5.1.1, same clock as the codec), ptime, direction, RFC 3605 a=rtcp, RFC 5761 rtcp-mux.
 */
import { isIP } from 'node:net';
import type { LocalAudioSection, LocalFormat } from './build.js';
import {
  AUDIO_CODECS,
  type CodecId,
  DEFAULT_CODECS,
  DEFAULT_DYNAMIC_PT,
  DEFAULT_PTIME,
  DEFAULT_TELEPHONE_EVENT_PT,
  PTIMES,
  codecFor,
} from './codecs.js';
import type { AddressFamily, Direction, MediaSection, RtpFormat } from './model.js';
import { canRecv, canSend, directionOf, intersect, reverse } from './model.js';
import { type SdpErrorCode } from './result.js';
import { SUPPORTED_EVENTS_MAX, commonEvents, formatEventList, parseEventList } from './telephone-event.js';

/** What our side of an audio stream can do (from the trunk's config and the RTP session). */
export interface AudioCapabilities {
  /** Our RTP address (IPv4 or IPv6); the remote must be of the same family. */
  readonly address: string;
  readonly port: number;
  /** Advertised with a=rtcp (RFC 3605) when set and RTCP is not muxed. */
  readonly rtcpPort?: number;
  /** Codec preference order (default PCMA, PCMU, G722). */
  readonly codecs?: readonly CodecId[];
  /** Whose order decides in an answer: ours (default) or the offerer's (RFC 3264 §6.1 allows both). */
  readonly codecOrder?: 'local' | 'remote';
  /** RFC 4733 telephone-event: on by default with PT 101 and events 0–16. */
  readonly telephoneEvent?: boolean | { readonly pt?: number; readonly maxEvent?: number };
  /** The packetisation we want to receive: 10, 20 (default), 30, 40 or 60 ms. */
  readonly ptime?: number;
  /** What we are willing to do on this stream (default sendrecv). */
  readonly direction?: Direction;
  /** RFC 5761: `offer` puts a=rtcp-mux in offers; `accept` (default) only accepts it; `off` never. */
  readonly rtcpMux?: 'offer' | 'accept' | 'off';
}

export interface NegotiatedCodec {
  readonly id: CodecId;
  readonly name: string;
  /** The PT the peer declared: we send with it. */
  readonly sendPt: number;
  /** The PT we declared: the peer sends with it. */
  readonly recvPt: number;
  readonly clockRate: number;
  readonly sampleRate: number;
}

export interface NegotiatedTelephoneEvent {
  readonly sendPt: number;
  readonly recvPt: number;
  readonly clockRate: number;
  readonly events: readonly number[];
}

/** Everything the RTP session and the media pipeline need about an agreed audio stream. */
export interface NegotiatedAudio {
  readonly index: number;
  readonly codec: NegotiatedCodec;
  readonly telephoneEvent: NegotiatedTelephoneEvent | undefined;
  /** Packetisation the peer asked for (its a=ptime): what we send. */
  readonly sendPtime: number;
  /** Packetisation we asked for: what we expect to receive. */
  readonly recvPtime: number;
  /** Our direction after negotiation, and the peer's as it wrote it. */
  readonly direction: Direction;
  readonly remoteDirection: Direction;
  readonly send: boolean;
  readonly recv: boolean;
  /** The peer put us on hold (sendonly/inactive, or the RFC 2543 c=0.0.0.0 form). */
  readonly remoteHold: boolean;
  /** We offered or answered without receiving (our hold). */
  readonly localHold: boolean;
  readonly remote: {
    readonly family: AddressFamily;
    /** undefined when the peer gave 0.0.0.0 / :: (send nothing). */
    readonly address: string | undefined;
    readonly port: number;
    readonly rtcpAddress: string | undefined;
    readonly rtcpPort: number;
    readonly rtcpMux: boolean;
  };
  readonly mid: string | undefined;
}

export type AudioOutcome =
  | { readonly ok: true; readonly section: LocalAudioSection; readonly negotiated: NegotiatedAudio }
  | { readonly ok: false; readonly reason: SdpErrorCode; readonly message: string };

const TE = 'telephone-event';

export function familyOf(address: string): AddressFamily {
  return isIP(address) === 6 ? 'IP6' : 'IP4';
}

/** a=ptime the peer asked for, if we accept it, capped by its a=maxptime; else 20 (RFC 4566 §6). */
export function pickPtime(ptime: number | undefined, maxptime: number | undefined): number {
  let p = ptime !== undefined && (PTIMES as readonly number[]).includes(ptime) ? ptime : DEFAULT_PTIME;
  if (maxptime !== undefined && p > maxptime) {
    const fit = PTIMES.filter((x) => x <= maxptime);
    p = fit.length > 0 ? (fit[fit.length - 1] as number) : PTIMES[0];
  }
  return p;
}

function ourPtime(caps: AudioCapabilities): number {
  return caps.ptime !== undefined && (PTIMES as readonly number[]).includes(caps.ptime)
    ? caps.ptime
    : DEFAULT_PTIME;
}

function teSettings(caps: AudioCapabilities): { pt: number; maxEvent: number } | undefined {
  const te = caps.telephoneEvent ?? true;
  if (te === false) return undefined;
  const o = te === true ? {} : te;
  return {
    pt: o.pt ?? DEFAULT_TELEPHONE_EVENT_PT,
    maxEvent: Math.min(o.maxEvent ?? SUPPORTED_EVENTS_MAX, 255),
  };
}

/** The remote's effective direction: an unspecified c= address means it will not receive. */
function remoteDirectionOf(m: MediaSection): Direction {
  return m.connection?.unspecified ? directionOf(canSend(m.direction), false) : m.direction;
}

function remoteOf(m: MediaSection, mux: boolean): NegotiatedAudio['remote'] {
  const c = m.connection as NonNullable<MediaSection['connection']>;
  const address = c.unspecified ? undefined : c.address;
  if (mux)
    return { family: c.family, address, port: m.port, rtcpAddress: address, rtcpPort: m.port, rtcpMux: true };
  const rc = m.rtcp?.connection;
  return {
    family: c.family,
    address,
    port: m.port,
    rtcpAddress: rc ? (rc.unspecified ? undefined : rc.address) : address,
    rtcpPort: m.rtcp?.port ?? m.port + 1,
    rtcpMux: false,
  };
}

function isTe(f: RtpFormat, clockRate: number): boolean {
  return f.name.toLowerCase() === TE && f.clockRate === clockRate && f.channels === 1;
}

/** Our offer for an audio stream: every codec in preference order, then telephone-event per clock rate. */
export function offerAudio(caps: AudioCapabilities, mid: string | undefined): LocalAudioSection {
  const codecs = caps.codecs ?? DEFAULT_CODECS;
  const formats: LocalFormat[] = [];
  const used = new Set<number>();
  for (const id of codecs) {
    const c = AUDIO_CODECS[id];
    const pt = c.staticPt ?? DEFAULT_DYNAMIC_PT[id] ?? 96;
    if (used.has(pt)) continue;
    used.add(pt);
    formats.push({ pt, name: c.name, clockRate: c.clockRate });
  }
  const te = teSettings(caps);
  if (te) {
    const clocks = [...new Set(codecs.map((id) => AUDIO_CODECS[id].clockRate))];
    let pt = te.pt;
    for (const clockRate of clocks) {
      while (used.has(pt) && pt < 127) pt++;
      used.add(pt);
      formats.push({ pt, name: TE, clockRate, fmtp: `0-${te.maxEvent}` });
    }
  }
  return {
    kind: 'audio',
    port: caps.port,
    address: caps.address,
    formats,
    ptime: ourPtime(caps),
    direction: caps.direction ?? 'sendrecv',
    rtcpPort: caps.rtcpPort,
    rtcpMux: caps.rtcpMux === 'offer',
    mid,
  };
}

function reject(reason: SdpErrorCode, message: string): AudioOutcome {
  return { ok: false, reason, message };
}

/** Answers one offered audio stream (RFC 3264 §6.1), or says why it cannot be used. */
export function answerAudio(m: MediaSection, caps: AudioCapabilities): AudioOutcome {
  if (m.port === 0) return reject('no_acceptable_media', `audio stream ${m.index} is disabled (port 0)`);
  if (m.protocol !== 'RTP/AVP')
    return reject('no_acceptable_media', `audio stream ${m.index} uses ${m.protocol}`);
  const conn = m.connection;
  if (!conn) return reject('missing_connection', `audio stream ${m.index} has no connection address`);
  if (conn.family !== familyOf(caps.address)) {
    return reject(
      'unsupported_address',
      `audio stream ${m.index} is ${conn.family}, our media address is not`,
    );
  }
  const prefs = caps.codecs ?? DEFAULT_CODECS;
  const candidates = m.rtp
    .map((f) => ({ f, id: codecFor(f.name, f.clockRate, f.channels) }))
    .filter((c): c is { f: RtpFormat; id: CodecId } => c.id !== undefined && prefs.includes(c.id));
  if (candidates.length === 0) {
    return reject('no_common_codec', `no offered codec is one of ${prefs.join(', ')}`);
  }
  if ((caps.codecOrder ?? 'local') === 'local') {
    candidates.sort((a, b) => prefs.indexOf(a.id) - prefs.indexOf(b.id));
  }
  const chosen = candidates[0] as { f: RtpFormat; id: CodecId };
  const c = AUDIO_CODECS[chosen.id];
  const formats: LocalFormat[] = [{ pt: chosen.f.pt, name: chosen.f.name, clockRate: chosen.f.clockRate }];
  let telephoneEvent: NegotiatedTelephoneEvent | undefined;
  const te = teSettings(caps);
  const offeredTe = te ? m.rtp.find((f) => isTe(f, c.clockRate)) : undefined;
  if (te && offeredTe) {
    const events = commonEvents(
      parseEventList(offeredTe.fmtp) ?? parseEventList(undefined) ?? [],
      te.maxEvent,
    );
    if (events.length > 0) {
      formats.push({
        pt: offeredTe.pt,
        name: offeredTe.name,
        clockRate: offeredTe.clockRate,
        fmtp: formatEventList(events),
      });
      telephoneEvent = { sendPt: offeredTe.pt, recvPt: offeredTe.pt, clockRate: c.clockRate, events };
    }
  }
  const remoteDirection = remoteDirectionOf(m);
  const direction = intersect(reverse(remoteDirection), caps.direction ?? 'sendrecv');
  const mux = m.rtcpMux && (caps.rtcpMux ?? 'accept') !== 'off';
  const recvPtime = ourPtime(caps);
  const section: LocalAudioSection = {
    kind: 'audio',
    port: caps.port,
    address: caps.address,
    formats,
    ptime: recvPtime,
    direction,
    rtcpPort: caps.rtcpPort,
    rtcpMux: mux,
    mid: m.mid,
  };
  const negotiated: NegotiatedAudio = {
    index: m.index,
    codec: {
      id: chosen.id,
      name: c.name,
      sendPt: chosen.f.pt,
      recvPt: chosen.f.pt,
      clockRate: c.clockRate,
      sampleRate: c.sampleRate,
    },
    telephoneEvent,
    sendPtime: pickPtime(m.ptime, m.maxptime),
    recvPtime,
    direction,
    remoteDirection: m.direction,
    send: canSend(direction) && !conn.unspecified,
    recv: canRecv(direction),
    remoteHold: !canRecv(remoteDirection),
    localHold: !canRecv(caps.direction ?? 'sendrecv'),
    remote: remoteOf(m, mux),
    mid: m.mid,
  };
  return { ok: true, section, negotiated };
}

/** Reads the answer to our offered audio stream (RFC 3264 §7): what we send, with which PT, to where. */
export function applyAudioAnswer(offered: LocalAudioSection, m: MediaSection): AudioOutcome {
  if (m.port === 0) return reject('no_acceptable_media', `the answer rejected audio stream ${m.index}`);
  const conn = m.connection;
  if (!conn)
    return reject('missing_connection', `answered audio stream ${m.index} has no connection address`);
  let chosen: { f: RtpFormat; id: CodecId; ours: LocalFormat } | undefined;
  for (const f of m.rtp) {
    const id = codecFor(f.name, f.clockRate, f.channels);
    if (id === undefined) continue;
    const ours = offered.formats.find((o) => codecFor(o.name, o.clockRate, 1) === id);
    if (ours) {
      chosen = { f, id, ours };
      break;
    }
  }
  if (!chosen)
    return reject('answer_not_subset', `answered audio stream ${m.index} has none of the codecs we offered`);
  const c = AUDIO_CODECS[chosen.id];
  let telephoneEvent: NegotiatedTelephoneEvent | undefined;
  const ourTe = offered.formats.find((f) => f.name === TE && f.clockRate === c.clockRate);
  const theirTe = m.rtp.find((f) => isTe(f, c.clockRate));
  if (ourTe && theirTe) {
    const ours = parseEventList(ourTe.fmtp) ?? [];
    const events = (parseEventList(theirTe.fmtp) ?? []).filter((e) => ours.includes(e));
    if (events.length > 0)
      telephoneEvent = { sendPt: theirTe.pt, recvPt: ourTe.pt, clockRate: c.clockRate, events };
  }
  const remoteDirection = remoteDirectionOf(m);
  const direction = intersect(reverse(remoteDirection), offered.direction);
  const mux = offered.rtcpMux && m.rtcpMux;
  return {
    ok: true,
    section: offered,
    negotiated: {
      index: m.index,
      codec: {
        id: chosen.id,
        name: c.name,
        sendPt: chosen.f.pt,
        recvPt: chosen.ours.pt,
        clockRate: c.clockRate,
        sampleRate: c.sampleRate,
      },
      telephoneEvent,
      sendPtime: pickPtime(m.ptime, m.maxptime),
      recvPtime: offered.ptime ?? DEFAULT_PTIME,
      direction,
      remoteDirection: m.direction,
      send: canSend(direction) && !conn.unspecified,
      recv: canRecv(direction),
      remoteHold: !canRecv(remoteDirection),
      localHold: !canRecv(offered.direction),
      remote: remoteOf(m, mux),
      mid: m.mid,
    },
  };
}

/**
 * The address family of the first usable audio stream of an offer, so the caller can open its RTP
 * session (udp4 or udp6) before answering.
 */
export function offeredAudioFamily(parsed: {
  readonly media: readonly MediaSection[];
}): AddressFamily | undefined {
  return parsed.media.find((m) => m.kind === 'audio' && m.port !== 0 && m.connection)?.connection?.family;
}
