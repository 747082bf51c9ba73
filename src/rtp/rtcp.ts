/**
 * RTCP packets (RFC 3550 §6.4–6.7) and compound parsing (§6.1, validity checks of Appendix A.2):
 * SR, RR, SDES and BYE are decoded; APP and every other packet type (RTPFB, PSFB, XR...) are kept
 * raw as views. Bounded: at most `maxPackets` packets per compound. Never throws.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|   RC    |      PT       |    length (32-bit words − 1)  |
 */
import { readU32 } from './packet.js';

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;
export const SDES_CNAME = 1;

/** §6.4.1 report block. */
export interface ReportBlock {
  readonly ssrc: number;
  /** Fraction lost since the last report, in 1/256. */
  readonly fractionLost: number;
  /** Cumulative packets lost (signed 24-bit: duplicates can make it negative). */
  readonly cumulativeLost: number;
  readonly highestSeq: number;
  readonly jitter: number;
  /** Middle 32 bits of the NTP time of the last SR received from this source (0 if none). */
  readonly lsr: number;
  /** Delay since that SR, in 1/65536 s. */
  readonly dlsr: number;
}

export interface SenderReport {
  readonly type: 'sr';
  readonly ssrc: number;
  readonly ntpSeconds: number;
  readonly ntpFraction: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
}

export interface ReceiverReport {
  readonly type: 'rr';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
}

export interface SdesItem {
  readonly type: number;
  readonly text: string;
}

export interface SourceDescription {
  readonly type: 'sdes';
  readonly chunks: readonly { readonly ssrc: number; readonly items: readonly SdesItem[] }[];
}

export interface Goodbye {
  readonly type: 'bye';
  readonly ssrcs: readonly number[];
  readonly reason?: string;
}

/** APP (§6.7) or a packet type we do not decode: the whole packet, header included, as a view. */
export interface RawRtcp {
  readonly type: 'app' | 'unknown';
  readonly packetType: number;
  /** The 5-bit count/subtype field. */
  readonly count: number;
  readonly raw: Uint8Array;
}

export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | RawRtcp;

export type RtcpParseCode =
  | 'too_short'
  | 'bad_version'
  | 'bad_length'
  | 'bad_padding'
  | 'too_many_packets'
  | 'truncated_report'
  | 'bad_sdes'
  | 'bad_bye';

export type RtcpParseResult =
  | { readonly ok: true; readonly packets: RtcpPacket[] }
  | { readonly ok: false; readonly code: RtcpParseCode };

function fail(code: RtcpParseCode): RtcpParseResult {
  return { ok: false, code };
}

function text(b: Uint8Array, o: number, n: number): string {
  return Buffer.from(b.buffer, b.byteOffset + o, n).toString('utf8');
}

function reportBlocks(b: Uint8Array, pos: number, count: number, end: number): ReportBlock[] | undefined {
  if (pos + 24 * count > end) return undefined;
  const out: ReportBlock[] = [];
  for (let i = 0; i < count; i++, pos += 24) {
    const lost = ((b[pos + 5] as number) << 16) | ((b[pos + 6] as number) << 8) | (b[pos + 7] as number);
    out.push({
      ssrc: readU32(b, pos),
      fractionLost: b[pos + 4] as number,
      cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
      highestSeq: readU32(b, pos + 8),
      jitter: readU32(b, pos + 12),
      lsr: readU32(b, pos + 16),
      dlsr: readU32(b, pos + 20),
    });
  }
  return out;
}

function sdes(b: Uint8Array, pos: number, count: number, end: number): SourceDescription | undefined {
  const chunks: { ssrc: number; items: SdesItem[] }[] = [];
  for (let c = 0; c < count; c++) {
    if (pos + 4 > end) return undefined;
    const ssrc = readU32(b, pos);
    pos += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (pos >= end) return undefined;
      const type = b[pos] as number;
      if (type === 0) {
        // §6.5: a null item ends the chunk, then null octets up to the next 32-bit boundary.
        pos = (pos + 4) & ~3;
        break;
      }
      if (pos + 2 > end) return undefined;
      const len = b[pos + 1] as number;
      if (pos + 2 + len > end || items.length >= 16) return undefined;
      items.push({ type, text: text(b, pos + 2, len) });
      pos += 2 + len;
    }
    chunks.push({ ssrc, items });
  }
  return pos <= end ? { type: 'sdes', chunks } : undefined;
}

function bye(b: Uint8Array, pos: number, count: number, end: number): Goodbye | undefined {
  if (pos + 4 * count > end) return undefined;
  const ssrcs: number[] = [];
  for (let i = 0; i < count; i++, pos += 4) ssrcs.push(readU32(b, pos));
  if (pos < end) {
    const len = b[pos] as number;
    if (pos + 1 + len > end) return undefined;
    return { type: 'bye', ssrcs, reason: text(b, pos + 1, len) };
  }
  return { type: 'bye', ssrcs };
}

/** Parses a compound RTCP packet (or a single one) of `length` bytes at `offset`. */
export function parseRtcp(
  buf: Uint8Array,
  offset = 0,
  length = buf.length - offset,
  maxPackets = 16,
): RtcpParseResult {
  if (offset < 0 || length < 4 || offset + length > buf.length) return fail('too_short');
  const packets: RtcpPacket[] = [];
  const total = offset + length;
  let pos = offset;
  while (pos < total) {
    if (packets.length >= maxPackets) return fail('too_many_packets');
    if (pos + 4 > total) return fail('bad_length');
    const b0 = buf[pos] as number;
    if (b0 >> 6 !== 2) return fail('bad_version');
    const count = b0 & 0x1f;
    const pt = buf[pos + 1] as number;
    const size = 4 * ((((buf[pos + 2] as number) << 8) | (buf[pos + 3] as number)) + 1);
    const next = pos + size;
    if (next > total) return fail('bad_length');
    let end = next;
    if (b0 & 0x20) {
      // A.2: only the last packet of a compound may be padded.
      const pad = buf[next - 1] as number;
      if (next !== total || pad === 0 || pad > size - 4) return fail('bad_padding');
      end = next - pad;
    }
    const body = pos + 4;
    if (pt === RTCP_SR) {
      if (body + 24 > end) return fail('truncated_report');
      const reports = reportBlocks(buf, body + 24, count, end);
      if (!reports) return fail('truncated_report');
      packets.push({
        type: 'sr',
        ssrc: readU32(buf, body),
        ntpSeconds: readU32(buf, body + 4),
        ntpFraction: readU32(buf, body + 8),
        rtpTimestamp: readU32(buf, body + 12),
        packetCount: readU32(buf, body + 16),
        octetCount: readU32(buf, body + 20),
        reports,
      });
    } else if (pt === RTCP_RR) {
      if (body + 4 > end) return fail('truncated_report');
      const reports = reportBlocks(buf, body + 4, count, end);
      if (!reports) return fail('truncated_report');
      packets.push({ type: 'rr', ssrc: readU32(buf, body), reports });
    } else if (pt === RTCP_SDES) {
      const d = sdes(buf, body, count, end);
      if (!d) return fail('bad_sdes');
      packets.push(d);
    } else if (pt === RTCP_BYE) {
      const d = bye(buf, body, count, end);
      if (!d) return fail('bad_bye');
      packets.push(d);
    } else {
      packets.push({
        type: pt === RTCP_APP ? 'app' : 'unknown',
        packetType: pt,
        count,
        raw: buf.subarray(pos, next),
      });
    }
    pos = next;
  }
  return { ok: true, packets };
}
