/** Writes UDP datagrams as a classic pcap (Ethernet/IPv4/UDP) so tshark can decode what we sent. */
import { writeFileSync } from 'node:fs';

export interface Datagram {
  atMs: number;
  srcPort: number;
  dstPort: number;
  data: Uint8Array;
}

export function writePcap(path: string, datagrams: readonly Datagram[]): void {
  const parts: Buffer[] = [];
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  parts.push(global);
  for (const d of datagrams) {
    const frame = Buffer.alloc(14 + 20 + 8 + d.data.length);
    frame.writeUInt16BE(0x0800, 12);
    const ip = 14;
    frame[ip] = 0x45;
    frame.writeUInt16BE(20 + 8 + d.data.length, ip + 2);
    frame[ip + 8] = 64;
    frame[ip + 9] = 17;
    frame.set([127, 0, 0, 1], ip + 12);
    frame.set([127, 0, 0, 1], ip + 16);
    const udp = ip + 20;
    frame.writeUInt16BE(d.srcPort, udp);
    frame.writeUInt16BE(d.dstPort, udp + 2);
    frame.writeUInt16BE(8 + d.data.length, udp + 4);
    frame.set(d.data, udp + 8);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(d.atMs / 1000), 0);
    rec.writeUInt32LE(Math.round((d.atMs % 1000) * 1000), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    parts.push(rec, frame);
  }
  writeFileSync(path, Buffer.concat(parts));
}
