/** RTCP serialisation (RFC 3550 §6.4–6.6): marshalSize + marshalTo for compound packets. */
import { writeU32 } from './packet.js';
import {
  RTCP_BYE,
  RTCP_RR,
  RTCP_SDES,
  RTCP_SR,
  type ReportBlock,
  type RtcpPacket,
  type SourceDescription,
} from './rtcp.js';

function utf8Length(s: string): number {
  return Math.min(Buffer.byteLength(s, 'utf8'), 255);
}

function sdesSize(p: SourceDescription): number {
  let n = 4;
  for (const c of p.chunks) {
    let chunk = 4;
    for (const it of c.items) chunk += 2 + utf8Length(it.text);
    chunk += 1; // null item
    n += (chunk + 3) & ~3;
  }
  return n;
}

/** Bytes `p` takes on the wire. */
export function rtcpPacketSize(p: RtcpPacket): number {
  switch (p.type) {
    case 'sr':
      return 28 + 24 * p.reports.length;
    case 'rr':
      return 8 + 24 * p.reports.length;
    case 'sdes':
      return sdesSize(p);
    case 'bye': {
      const reason = p.reason === undefined ? 0 : 1 + utf8Length(p.reason);
      return 4 + 4 * p.ssrcs.length + ((reason + 3) & ~3);
    }
    default:
      return p.raw.length;
  }
}

export function rtcpMarshalSize(packets: readonly RtcpPacket[]): number {
  let n = 0;
  for (const p of packets) n += rtcpPacketSize(p);
  return n;
}

function header(buf: Uint8Array, o: number, count: number, pt: number, size: number): void {
  buf[o] = 0x80 | (count & 0x1f);
  buf[o + 1] = pt;
  const words = size / 4 - 1;
  buf[o + 2] = (words >>> 8) & 0xff;
  buf[o + 3] = words & 0xff;
}

function writeBlock(buf: Uint8Array, o: number, r: ReportBlock): void {
  writeU32(buf, o, r.ssrc);
  const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost)) & 0xffffff;
  buf[o + 4] = r.fractionLost & 0xff;
  buf[o + 5] = (lost >>> 16) & 0xff;
  buf[o + 6] = (lost >>> 8) & 0xff;
  buf[o + 7] = lost & 0xff;
  writeU32(buf, o + 8, r.highestSeq);
  writeU32(buf, o + 12, r.jitter);
  writeU32(buf, o + 16, r.lsr);
  writeU32(buf, o + 20, r.dlsr);
}

function writeText(buf: Uint8Array, o: number, s: string): number {
  const n = utf8Length(s);
  Buffer.from(buf.buffer, buf.byteOffset, buf.length).write(s, o, n, 'utf8');
  return n;
}

/**
 * Writes the packets as one compound at `offset`; returns the bytes written, or -1 when `buf` is
 * too small or a list exceeds the 31 entries a 5-bit count can hold.
 */
export function marshalRtcp(packets: readonly RtcpPacket[], buf: Uint8Array, offset = 0): number {
  const total = rtcpMarshalSize(packets);
  if (offset < 0 || offset + total > buf.length) return -1;
  let o = offset;
  for (const p of packets) {
    const size = rtcpPacketSize(p);
    buf.fill(0, o, o + size);
    if (p.type === 'sr' || p.type === 'rr') {
      if (p.reports.length > 31) return -1;
      header(buf, o, p.reports.length, p.type === 'sr' ? RTCP_SR : RTCP_RR, size);
      writeU32(buf, o + 4, p.ssrc);
      let pos = o + 8;
      if (p.type === 'sr') {
        writeU32(buf, pos, p.ntpSeconds);
        writeU32(buf, pos + 4, p.ntpFraction);
        writeU32(buf, pos + 8, p.rtpTimestamp);
        writeU32(buf, pos + 12, p.packetCount);
        writeU32(buf, pos + 16, p.octetCount);
        pos += 20;
      }
      for (const r of p.reports) {
        writeBlock(buf, pos, r);
        pos += 24;
      }
    } else if (p.type === 'sdes') {
      if (p.chunks.length > 31) return -1;
      header(buf, o, p.chunks.length, RTCP_SDES, size);
      let pos = o + 4;
      for (const c of p.chunks) {
        const start = pos;
        writeU32(buf, pos, c.ssrc);
        pos += 4;
        for (const it of c.items) {
          buf[pos] = it.type;
          const n = writeText(buf, pos + 2, it.text);
          buf[pos + 1] = n;
          pos += 2 + n;
        }
        pos = start + ((pos - start + 1 + 3) & ~3);
      }
    } else if (p.type === 'bye') {
      if (p.ssrcs.length > 31) return -1;
      header(buf, o, p.ssrcs.length, RTCP_BYE, size);
      let pos = o + 4;
      for (const s of p.ssrcs) {
        writeU32(buf, pos, s);
        pos += 4;
      }
      if (p.reason !== undefined) buf[pos] = writeText(buf, pos + 1, p.reason);
    } else {
      buf.set(p.raw, o);
    }
    o += size;
  }
  return o - offset;
}
