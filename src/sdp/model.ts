/** The parsed form of an SDP (RFC 4566) as voicegate reads it: effective values already resolved. */

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export type AddressFamily = 'IP4' | 'IP6';

export interface Origin {
  readonly username: string;
  /** Kept as the decimal text: values may exceed 2^53. */
  readonly sessionId: string;
  readonly sessionVersion: string;
  readonly family: AddressFamily;
  readonly address: string;
}

export interface Connection {
  readonly family: AddressFamily;
  readonly address: string;
  /** `0.0.0.0` (RFC 2543 hold) or `::`: the peer wants no media sent to it. */
  readonly unspecified: boolean;
}

/** One payload format of an RTP m= line, from its rtpmap or the RFC 3551 static table. */
export interface RtpFormat {
  readonly pt: number;
  readonly name: string;
  readonly clockRate: number;
  readonly channels: number;
  readonly fmtp: string | undefined;
}

/** An `a=` line kept as text: name and optional value (after the first colon). */
export interface RawAttribute {
  readonly name: string;
  readonly value: string | undefined;
}

export interface MediaSection {
  readonly index: number;
  /** m= media type: audio, application, video, image... */
  readonly kind: string;
  readonly port: number;
  readonly protocol: string;
  /** The fmt list as written. */
  readonly formats: readonly string[];
  /** For RTP profiles: the formats in m= order. */
  readonly rtp: readonly RtpFormat[];
  /** Media-level c= if present, else the session-level one. */
  readonly connection: Connection | undefined;
  /** Media-level direction, else session-level, else sendrecv (RFC 3264 §5.1). */
  readonly direction: Direction;
  readonly ptime: number | undefined;
  readonly maxptime: number | undefined;
  /** RFC 3605 a=rtcp. */
  readonly rtcp: { readonly port: number; readonly connection: Connection | undefined } | undefined;
  /** RFC 5761 a=rtcp-mux. */
  readonly rtcpMux: boolean;
  readonly mid: string | undefined;
  /** RFC 4145 / RFC 6787 §4.2 attributes of MRCPv2 application m= lines. */
  readonly setup: string | undefined;
  readonly connectionType: 'new' | 'existing' | undefined;
  readonly resource: string | undefined;
  readonly channel: string | undefined;
  readonly cmid: readonly string[];
  /** Every a= line of the section, in order. */
  readonly attributes: readonly RawAttribute[];
}

export interface ParsedSdp {
  readonly origin: Origin;
  readonly sessionName: string;
  readonly connection: Connection | undefined;
  readonly direction: Direction | undefined;
  readonly media: readonly MediaSection[];
}

export const DIRECTIONS: readonly Direction[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

export function directionOf(send: boolean, recv: boolean): Direction {
  if (send && recv) return 'sendrecv';
  if (send) return 'sendonly';
  if (recv) return 'recvonly';
  return 'inactive';
}

export function canSend(d: Direction): boolean {
  return d === 'sendrecv' || d === 'sendonly';
}

export function canRecv(d: Direction): boolean {
  return d === 'sendrecv' || d === 'recvonly';
}

/** RFC 3264 §6.1: the answer's direction mirrors the offer's (sendonly ↔ recvonly). */
export function reverse(d: Direction): Direction {
  return directionOf(canRecv(d), canSend(d));
}

/** The direction that both allow. */
export function intersect(a: Direction, b: Direction): Direction {
  return directionOf(canSend(a) && canSend(b), canRecv(a) && canRecv(b));
}

/** RFC 3264 §8.4: put on hold by no longer receiving (sendrecv → sendonly, recvonly → inactive). */
export function holdDirection(d: Direction): Direction {
  return directionOf(canSend(d), false);
}
