/**
 * Audio for the dial bridge tests: a tone as an RTP pcap (A-law, payload type 8, 20 ms packets)
 * that SIPp replays, a tone WAV (sox) a gate plays as a prompt, and a per-frame tone detector
 * (Goertzel, the codec layer's toneLevelsDbov) over received PCM or a capture's A-law payloads.
 */
import { execFileSync } from 'node:child_process';
import { alawDecode, alawEncode, toneLevelsDbov } from '../../src/media/index.js';
import { readPcap, writePcap, type UdpPacket } from '../helpers/pcap.js';

/** `seconds` of a `hz` sine at about -15 dBov, as an RTP pcap SIPp's play_pcap_audio replays. */
export function writeTonePcap(file: string, hz: number, seconds: number): void {
  const packets: UdpPacket[] = [];
  const frame = new Int16Array(160);
  for (let i = 0; i < seconds * 50; i++) {
    for (let k = 0; k < 160; k++)
      frame[k] = Math.round(7000 * Math.sin((2 * Math.PI * hz * (i * 160 + k)) / 8000));
    const rtp = Buffer.alloc(12 + 160);
    rtp[0] = 0x80;
    rtp[1] = 8 | (i === 0 ? 0x80 : 0);
    rtp.writeUInt16BE((2000 + i) & 0xffff, 2);
    rtp.writeUInt32BE(160 * i, 4);
    rtp.writeUInt32BE(0x7a11_0001, 8);
    Buffer.from(alawEncode(frame)).copy(rtp, 12);
    packets.push({
      time: 1_700_000_000 + i * 0.02,
      srcIp: '127.0.0.1',
      srcPort: 6000,
      dstIp: '127.0.0.1',
      dstPort: 6002,
      payload: rtp,
    });
  }
  writePcap(file, packets);
}

/** A mono 8 kHz 16-bit WAV of a sine (sox). */
export function writeToneWav(file: string, hz: number, seconds: number): void {
  execFileSync('sox', [
    '-n',
    '-r',
    '8000',
    '-c',
    '1',
    '-b',
    '16',
    '-e',
    'signed',
    file,
    'synth',
    String(seconds),
    'sine',
    String(hz),
    'vol',
    '0.25',
  ]);
}

const out = new Float64Array(1);

/** Per 20 ms frame: does it carry `hz` above -30 dBov? */
export function toneFrames(frames: readonly Int16Array[], hz: number): boolean[] {
  return frames.map((f) => {
    toneLevelsDbov(f, 8000, [hz], out);
    return (out[0] as number) > -30;
  });
}

/** The A-law (payload type 8) payloads of a capture in sequence order, decoded, in 20 ms frames. */
export function capturedFrames(file: string): Int16Array[] {
  const packets = readPcap(file)
    .map((p) => p.payload)
    .filter((b) => b.length === 12 + 160 && b[0]! >> 6 === 2 && (b[1]! & 0x7f) === 8)
    .sort((a, b) => ((a.readUInt16BE(2) - b.readUInt16BE(2) + 0x8000) & 0xffff) - 0x8000);
  return packets.map((b) => alawDecode(new Uint8Array(b.subarray(12))));
}

export const count = (xs: readonly boolean[]): number => xs.filter(Boolean).length;
