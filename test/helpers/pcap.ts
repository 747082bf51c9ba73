/**
 * Minimal pcap (libpcap classic format) writer and reader for tests: RTP streams made in a test
 * are written as Ethernet/IPv4/UDP frames that SIPp's play_pcap_audio replays, and captures are
 * read back to check what voicegate sent.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface UdpPacket {
  /** Seconds since the epoch (fractional). */
  time: number;
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  payload: Buffer;
}

function ipBytes(ip: string): number[] {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 ${ip}`);
  return parts;
}

function checksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length & 1) sum += buf[buf.length - 1]! << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/** Writes UDP packets as an Ethernet (DLT_EN10MB) pcap file. */
export function writePcap(file: string, packets: readonly UdpPacket[]): void {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(1, 20);
  const chunks: Buffer[] = [global];
  for (const p of packets) {
    const udpLen = 8 + p.payload.length;
    const ipLen = 20 + udpLen;
    const frame = Buffer.alloc(14 + ipLen);
    frame.writeUInt16BE(0x0800, 12);
    const ip = frame.subarray(14, 34);
    ip[0] = 0x45;
    ip.writeUInt16BE(ipLen, 2);
    ip[8] = 64;
    ip[9] = 17;
    Buffer.from(ipBytes(p.srcIp)).copy(ip, 12);
    Buffer.from(ipBytes(p.dstIp)).copy(ip, 16);
    ip.writeUInt16BE(checksum(ip), 10);
    const udp = frame.subarray(34);
    udp.writeUInt16BE(p.srcPort, 0);
    udp.writeUInt16BE(p.dstPort, 2);
    udp.writeUInt16BE(udpLen, 4);
    p.payload.copy(udp, 8);
    const rec = Buffer.alloc(16);
    const sec = Math.floor(p.time);
    rec.writeUInt32LE(sec, 0);
    rec.writeUInt32LE(Math.round((p.time - sec) * 1e6), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    chunks.push(rec, frame);
  }
  writeFileSync(file, Buffer.concat(chunks));
}

/** Reads the IPv4/UDP packets of a pcap file (Ethernet, Linux cooked SLL, or raw IP link types). */
export function readPcap(file: string): UdpPacket[] {
  const buf = readFileSync(file);
  if (buf.length < 24) return [];
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && buf.readUInt32BE(0) !== 0xa1b2c3d4 && buf.readUInt32BE(0) !== 0xa1b23c4d) {
    throw new Error(`${file}: not a classic pcap file`);
  }
  const nano = magic === 0xa1b23c4d || buf.readUInt32BE(0) === 0xa1b23c4d;
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const link = u32(20);
  const linkHeader = link === 1 ? 14 : link === 113 ? 16 : link === 101 ? 0 : link === 276 ? 20 : -1;
  if (linkHeader < 0) throw new Error(`${file}: unsupported link type ${link}`);
  const out: UdpPacket[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    const frame = buf.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    const ip = frame.subarray(linkHeader);
    if (ip.length < 28 || ip[0]! >> 4 !== 4 || ip[9] !== 17) continue;
    const ihl = (ip[0]! & 0x0f) * 4;
    const udp = ip.subarray(ihl);
    const len = udp.readUInt16BE(4);
    out.push({
      time: sec + frac / (nano ? 1e9 : 1e6),
      srcIp: [...ip.subarray(12, 16)].join('.'),
      dstIp: [...ip.subarray(16, 20)].join('.'),
      srcPort: udp.readUInt16BE(0),
      dstPort: udp.readUInt16BE(2),
      payload: Buffer.from(udp.subarray(8, Math.min(len, udp.length))),
    });
  }
  return out;
}
