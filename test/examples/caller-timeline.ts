/**
 * What a survey caller sends, as one RTP stream SIPp replays with play_pcap_audio: G.711 A-law
 * frames every 20 ms (silence, or espeak-ng speech placed at given times) and RFC 4733 digits
 * (payload type 101, RFC 4733 §2.5: a first packet with the marker bit, updates every 20 ms,
 * the end packet sent three times) that replace the audio while they last, all in one SSRC with
 * one timestamp clock, as a phone sends them.
 */
import { alawEncode } from '../../src/media/index.js';
import { writePcap, type UdpPacket } from '../helpers/pcap.js';

export type CallerEvent = { atMs: number; digit: string } | { atMs: number; speech: Int16Array };

const FRAME = 160;
const EVENT_PT = 101;
const AUDIO_PT = 8;
const DIGIT_FRAMES = 8; // 160 ms of tone
const SSRC = 0x5c11e7e4;
const EVENTS = '0123456789*#';

/** The RTP packets of the caller's `totalMs` of audio with `events` in it. */
export function callerPackets(events: readonly CallerEvent[], totalMs: number): Buffer[] {
  const frames = Math.ceil(totalMs / 20);
  const pcm = new Int16Array(frames * FRAME);
  const digitAt = new Map<number, string>();
  for (const e of events) {
    const start = Math.round(e.atMs / 20);
    if ('digit' in e) {
      if (!EVENTS.includes(e.digit) || e.digit.length !== 1) throw new Error(`no RFC 4733 event ${e.digit}`);
      digitAt.set(start, e.digit);
    } else pcm.set(e.speech.subarray(0, Math.max(0, pcm.length - start * FRAME)), start * FRAME);
  }
  const out: Buffer[] = [];
  let seq = 0;
  const header = (pt: number, marker: boolean, ts: number): Buffer => {
    const b = Buffer.alloc(12);
    b[0] = 0x80;
    b[1] = pt | (marker ? 0x80 : 0);
    b.writeUInt16BE(seq & 0xffff, 2);
    b.writeUInt32BE(ts >>> 0, 4);
    b.writeUInt32BE(SSRC, 8);
    return b;
  };
  for (let f = 0; f < frames; f++) {
    const digit = digitAt.get(f);
    if (digit === undefined) {
      const audio = Buffer.from(alawEncode(pcm.subarray(f * FRAME, (f + 1) * FRAME)));
      out.push(Buffer.concat([header(AUDIO_PT, f === 0, f * FRAME), audio]));
      seq++;
      continue;
    }
    // RFC 4733 §2.3: event code, E bit, volume (10 = -10 dBm0), duration since the event began.
    const ts = f * FRAME;
    const code = EVENTS.indexOf(digit);
    const last = Math.min(DIGIT_FRAMES, frames - f);
    for (let i = 0; i < last; i++) {
      const end = i === last - 1;
      const body = Buffer.from([code, (end ? 0x80 : 0) | 10, 0, 0]);
      body.writeUInt16BE((i + 1) * FRAME, 2);
      const copies = end ? 3 : 1;
      for (let c = 0; c < copies; c++) out.push(Buffer.concat([header(EVENT_PT, i === 0, ts), body]));
      seq++;
    }
    f += last - 1;
  }
  return out;
}

/** Writes the caller's stream to `file`, each packet at the time it covers (end copies together). */
export function writeCallerPcap(file: string, events: readonly CallerEvent[], totalMs: number): void {
  const packets: UdpPacket[] = callerPackets(events, totalMs).map((payload) => {
    const event = (payload[1]! & 0x7f) === EVENT_PT;
    // Audio: its timestamp; an event packet: its start plus the duration it reports, less a frame.
    const samples = payload.readUInt32BE(4) + (event ? payload.readUInt16BE(14) - FRAME : 0);
    return {
      time: 1_700_000_000 + samples / 8000,
      srcIp: '127.0.0.1',
      srcPort: 6000,
      dstIp: '127.0.0.1',
      dstPort: 6002,
      payload,
    };
  });
  writePcap(file, packets);
}
