/**
 * Captures for the speech tests: a tshark filter for a range of ports (the call legs' RTP, for
 * Capture.start), and the captured G.711 audio decoded back to PCM with each packet's capture time.
 */
import { alawDecode, ulawDecode } from '../../src/media/index.js';
import { readPcap } from '../helpers/pcap.js';

/**
 * The capture filter of UDP sent from ports `from`..`to` (`both`: sent to them too), for
 * Capture.start: the call legs' RTP ports.
 */
export function portRangeFilter(from: number, to: number, both = false): string {
  return `udp ${both ? '' : 'src '}portrange ${from}-${to}`;
}

/** One captured RTP packet: ports, payload type, and the G.711 audio decoded (empty otherwise). */
export interface RtpPacketInfo {
  /** Capture time, seconds. */
  time: number;
  srcPort: number;
  dstPort: number;
  pt: number;
  seq: number;
  pcm: Int16Array;
}

/** Every RTP packet of a capture (RTCP and non-RTP skipped), in capture order. */
export function rtpPackets(file: string): RtpPacketInfo[] {
  const out: RtpPacketInfo[] = [];
  for (const p of readPcap(file)) {
    const b = p.payload;
    if (b.length < 12 || b[0]! >> 6 !== 2) continue;
    const pt = b[1]! & 0x7f;
    // RTCP shares the version bits: its packet types 200-204 read as PT 72-76 with the marker set.
    if (pt >= 72 && pt <= 76) continue;
    const head = 12 + 4 * (b[0]! & 0x0f);
    const codes = new Uint8Array(b.subarray(Math.min(head, b.length)));
    const pcm = pt === 8 ? alawDecode(codes) : pt === 0 ? ulawDecode(codes) : new Int16Array(0);
    out.push({ time: p.time, srcPort: p.srcPort, dstPort: p.dstPort, pt, seq: b.readUInt16BE(2), pcm });
  }
  return out;
}

export interface RtpAudioPacket {
  /** Capture time, seconds. */
  time: number;
  seq: number;
  pcm: Int16Array;
}

/** The G.711 RTP packets (PT 0 or 8) sent to `dstPort` (any when undefined), in sequence order. */
export function rtpAudio(file: string, dstPort?: number): RtpAudioPacket[] {
  const out: RtpAudioPacket[] = [];
  for (const p of readPcap(file)) {
    const b = p.payload;
    if (dstPort !== undefined && p.dstPort !== dstPort) continue;
    if (b.length <= 12 || b[0]! >> 6 !== 2) continue;
    const pt = b[1]! & 0x7f;
    if (pt !== 0 && pt !== 8) continue;
    const codes = new Uint8Array(b.subarray(12 + 4 * (b[0]! & 0x0f)));
    out.push({ time: p.time, seq: b.readUInt16BE(2), pcm: pt === 8 ? alawDecode(codes) : ulawDecode(codes) });
  }
  return out.sort((a, b) => ((a.seq - b.seq + 0x8000) & 0xffff) - 0x8000);
}

/** RMS level of a packet in dBFS. */
export function packetDbfs(pcm: Int16Array): number {
  let sum = 0;
  for (const v of pcm) sum += v * v;
  const rms = Math.sqrt(sum / Math.max(1, pcm.length)) / 32768;
  return rms <= 1e-6 ? -120 : 20 * Math.log10(rms);
}

/** Packets louder than `dbfs` (speech, not codec noise). */
export function voiced(packets: readonly RtpAudioPacket[], dbfs = -45): RtpAudioPacket[] {
  return packets.filter((p) => packetDbfs(p.pcm) > dbfs);
}
