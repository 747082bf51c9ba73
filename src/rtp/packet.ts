/**
 * RTP fixed header, CSRC list, header extension and padding (RFC 3550 §5.1, §5.3.1).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *  |                           timestamp                           |
 *  |           synchronization source (SSRC) identifier            |
 *  |            contributing source (CSRC) identifiers (CC × 32)   |
 *  |      defined by profile       |           length              |  (X=1)
 *  |                        header extension (length × 32)        |
 *  |                            payload ...    | padding | count  |  (P=1)
 *
 * Parsing fills a reusable RtpView (no copy, no allocation): the payload is an offset and length
 * into the caller's buffer. Every length is checked before it is read.
 */

export type RtpParseCode =
  'ok' | 'too_short' | 'bad_version' | 'truncated_csrc' | 'truncated_extension' | 'bad_padding';

/** A parsed RTP packet as offsets into `buffer`; valid until the buffer is reused. */
export class RtpView {
  buffer: Uint8Array = EMPTY;
  /** Offset of the packet in `buffer` and its total length. */
  offset = 0;
  length = 0;
  padding = false;
  extension = false;
  csrcCount = 0;
  marker = false;
  payloadType = 0;
  sequenceNumber = 0;
  timestamp = 0;
  ssrc = 0;
  extensionProfile = 0;
  /** Offset and byte length of the extension data (after its 4-byte header). */
  extensionOffset = 0;
  extensionLength = 0;
  payloadOffset = 0;
  payloadLength = 0;
  paddingLength = 0;

  csrc(i: number): number {
    return i < this.csrcCount ? readU32(this.buffer, this.offset + 12 + 4 * i) : 0;
  }

  /** The payload as a view into `buffer` (no copy). */
  payload(): Uint8Array {
    return this.buffer.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
  }

  extensionData(): Uint8Array {
    return this.buffer.subarray(this.extensionOffset, this.extensionOffset + this.extensionLength);
  }
}

const EMPTY = new Uint8Array(0);
export const RTP_HEADER_SIZE = 12;

export function readU32(b: Uint8Array, o: number): number {
  return (
    ((b[o] as number) * 0x1000000 +
      (((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number))) >>>
    0
  );
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** Parses `length` bytes at `offset` of `buf` into `view`. Never throws. */
export function parseRtp(
  view: RtpView,
  buf: Uint8Array,
  offset = 0,
  length = buf.length - offset,
): RtpParseCode {
  if (offset < 0 || length < RTP_HEADER_SIZE || offset + length > buf.length) return 'too_short';
  const b0 = buf[offset] as number;
  if (b0 >> 6 !== 2) return 'bad_version';
  const b1 = buf[offset + 1] as number;
  const cc = b0 & 0x0f;
  let pos = offset + RTP_HEADER_SIZE + 4 * cc;
  const end = offset + length;
  if (pos > end) return 'truncated_csrc';
  view.buffer = buf;
  view.offset = offset;
  view.length = length;
  view.padding = (b0 & 0x20) !== 0;
  view.extension = (b0 & 0x10) !== 0;
  view.csrcCount = cc;
  view.marker = (b1 & 0x80) !== 0;
  view.payloadType = b1 & 0x7f;
  view.sequenceNumber = ((buf[offset + 2] as number) << 8) | (buf[offset + 3] as number);
  view.timestamp = readU32(buf, offset + 4);
  view.ssrc = readU32(buf, offset + 8);
  view.extensionProfile = 0;
  view.extensionOffset = 0;
  view.extensionLength = 0;
  if (view.extension) {
    if (pos + 4 > end) return 'truncated_extension';
    view.extensionProfile = ((buf[pos] as number) << 8) | (buf[pos + 1] as number);
    const words = ((buf[pos + 2] as number) << 8) | (buf[pos + 3] as number);
    pos += 4;
    if (pos + 4 * words > end) return 'truncated_extension';
    view.extensionOffset = pos;
    view.extensionLength = 4 * words;
    pos += 4 * words;
  }
  let pad = 0;
  if (view.padding) {
    // §5.1: the last octet counts the padding octets, itself included.
    pad = buf[end - 1] as number;
    if (pad === 0 || pos + pad > end) return 'bad_padding';
  }
  view.paddingLength = pad;
  view.payloadOffset = pos;
  view.payloadLength = end - pos - pad;
  return 'ok';
}

/** Writes the 12-byte fixed header (no CSRC, extension or padding): the send hot path. */
export function writeRtpHeader(
  buf: Uint8Array,
  offset: number,
  marker: boolean,
  payloadType: number,
  sequenceNumber: number,
  timestamp: number,
  ssrc: number,
): number {
  buf[offset] = 0x80;
  buf[offset + 1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  buf[offset + 2] = (sequenceNumber >>> 8) & 0xff;
  buf[offset + 3] = sequenceNumber & 0xff;
  writeU32(buf, offset + 4, timestamp >>> 0);
  writeU32(buf, offset + 8, ssrc >>> 0);
  return RTP_HEADER_SIZE;
}

/** A packet to marshal. */
export interface RtpPacket {
  readonly marker?: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrc?: readonly number[];
  /** Extension data length must be a multiple of 4 (§5.3.1). */
  readonly extension?: { readonly profile: number; readonly data: Uint8Array };
  /** Padding octets to add (1–255), e.g. for block ciphers. */
  readonly padding?: number;
  readonly payload: Uint8Array;
}

export const MARSHAL_TOO_SMALL = -1;
export const MARSHAL_INVALID = -2;

function invalid(p: RtpPacket): boolean {
  return (
    p.payloadType < 0 ||
    p.payloadType > 127 ||
    (p.csrc?.length ?? 0) > 15 ||
    (p.extension !== undefined && (p.extension.data.length % 4 !== 0 || p.extension.data.length > 0x3fffc)) ||
    (p.padding !== undefined && (p.padding < 0 || p.padding > 255))
  );
}

export function rtpMarshalSize(p: RtpPacket): number {
  return (
    RTP_HEADER_SIZE +
    4 * (p.csrc?.length ?? 0) +
    (p.extension ? 4 + p.extension.data.length : 0) +
    p.payload.length +
    (p.padding ?? 0)
  );
}

/** Writes `p` into `buf` at `offset`; returns the bytes written, MARSHAL_TOO_SMALL or MARSHAL_INVALID. */
export function marshalRtp(p: RtpPacket, buf: Uint8Array, offset = 0): number {
  if (invalid(p)) return MARSHAL_INVALID;
  const size = rtpMarshalSize(p);
  if (offset < 0 || offset + size > buf.length) return MARSHAL_TOO_SMALL;
  const cc = p.csrc?.length ?? 0;
  const pad = p.padding ?? 0;
  writeRtpHeader(buf, offset, p.marker ?? false, p.payloadType, p.sequenceNumber, p.timestamp, p.ssrc);
  buf[offset] = 0x80 | (pad > 0 ? 0x20 : 0) | (p.extension ? 0x10 : 0) | cc;
  let pos = offset + RTP_HEADER_SIZE;
  for (let i = 0; i < cc; i++, pos += 4) writeU32(buf, pos, (p.csrc as readonly number[])[i] as number);
  if (p.extension) {
    const words = p.extension.data.length / 4;
    buf[pos] = (p.extension.profile >>> 8) & 0xff;
    buf[pos + 1] = p.extension.profile & 0xff;
    buf[pos + 2] = (words >>> 8) & 0xff;
    buf[pos + 3] = words & 0xff;
    buf.set(p.extension.data, pos + 4);
    pos += 4 + p.extension.data.length;
  }
  buf.set(p.payload, pos);
  pos += p.payload.length;
  if (pad > 0) {
    buf.fill(0, pos, pos + pad - 1);
    buf[pos + pad - 1] = pad;
    pos += pad;
  }
  return pos - offset;
}
