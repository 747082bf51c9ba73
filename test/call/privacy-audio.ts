/**
 * The audio SIPp plays as a privacy-number platform, made as RTP pcaps (A-law, payload type 8,
 * 20 ms packets) from the shipped profile recordings — so the prompt fingerprints of
 * profiles/dialing match what the platform plays — and the China tone and speech fixtures of
 * test/fixtures/dialing (ringback 450 Hz 1 s / 4 s, busy 0.35 / 0.35 s, "喂，你好").
 * `node dist/test/call/privacy-audio.js DIR` writes them for running the scenarios by hand.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alawEncode, decodeWav } from '../../src/media/index.js';
import { writePcap, type UdpPacket } from '../helpers/pcap.js';

export const RECORDINGS = fileURLToPath(new URL('../../../profiles/dialing/recordings/', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/dialing/', import.meta.url));

export type Part = { wav: string; maxMs?: number } | { silenceMs: number };

export function pcm(parts: readonly Part[]): Int16Array {
  const chunks: Int16Array[] = [];
  for (const p of parts) {
    if ('silenceMs' in p) {
      chunks.push(new Int16Array((p.silenceMs * 8000) / 1000));
      continue;
    }
    const clip = decodeWav(readFileSync(p.wav), 8000);
    if (!clip.ok) throw new Error(`${p.wav}: ${clip.message}`);
    const s = clip.clip.samples;
    chunks.push(p.maxMs === undefined ? s : s.subarray(0, (p.maxMs * 8000) / 1000));
  }
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** One RTP stream per file (its own SSRC): SIPp replays each file from its first packet. */
export function rtpPackets(samples: Int16Array, ssrc: number): UdpPacket[] {
  const packets: UdpPacket[] = [];
  for (let i = 0; i * 160 < samples.length; i++) {
    const frame = new Int16Array(160);
    frame.set(samples.subarray(160 * i, 160 * (i + 1)));
    const rtp = Buffer.alloc(12 + 160);
    rtp[0] = 0x80;
    rtp[1] = 8 | (i === 0 ? 0x80 : 0);
    rtp.writeUInt16BE((1000 + i) & 0xffff, 2);
    rtp.writeUInt32BE(160 * i, 4);
    rtp.writeUInt32BE(ssrc, 8);
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
  return packets;
}

const rec = (name: string): Part => ({ wav: join(RECORDINGS, name) });
const fix = (name: string, maxMs?: number): Part => ({
  wav: join(FIXTURES, name),
  ...(maxMs !== undefined ? { maxMs } : {}),
});

/** The files the sipp-scenarios/uas-privacy-*.xml scenarios play, by name. */
export const PRIVACY_AUDIO: Readonly<Record<string, readonly Part[]>> = {
  /** "请输入分机号，以井号键结束" */
  'prompt.pcap': [rec('prompt.wav'), { silenceMs: 500 }],
  /**
   * "分机号无效，请重新输入" then the prompt again. One file per play: SIPp replays a file with its
   * own sequence numbers and timestamps, and a replay of the same stream would look like old,
   * duplicate packets (a real platform's stream goes on).
   */
  'invalid-prompt.pcap': [rec('invalid.wav'), { silenceMs: 300 }, rec('prompt.wav'), { silenceMs: 500 }],
  'invalid-prompt-2.pcap': [rec('invalid.wav'), { silenceMs: 300 }, rec('prompt.wav'), { silenceMs: 500 }],
  'invalid-prompt-3.pcap': [rec('invalid.wav'), { silenceMs: 300 }, rec('prompt.wav'), { silenceMs: 500 }],
  /**
   * Extension accepted: ringback (1 s of 450 Hz, then silence long enough for the 1.6 s the
   * analyser needs to call it ringback), then the customer: "喂，你好".
   */
  'accepted.pcap': [fix('ringback-cn.wav', 3000), fix('hello.wav'), { silenceMs: 3000 }],
  /** Ringback only (the customer picks up later: the 200 comes before the speech). */
  'ringback.pcap': [fix('ringback-cn.wav', 3000)],
  'hello.pcap': [fix('hello.wav'), { silenceMs: 3000 }],
  /** The customer is busy: one ringback cadence, then the busy tone. */
  'busy.pcap': [fix('ringback-cn.wav', 2000), fix('busy-cn.wav')],
  /** "业务异常，请稍后再拨" */
  'error.pcap': [rec('error.wav'), { silenceMs: 300 }],
};

/** Writes every pcap of PRIVACY_AUDIO into `dir`. */
export function writePrivacyAudio(dir: string): void {
  mkdirSync(dir, { recursive: true });
  let ssrc = 0x5000_0001;
  for (const [name, parts] of Object.entries(PRIVACY_AUDIO))
    writePcap(join(dir, name), rtpPackets(pcm(parts), ssrc++));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node dist/test/call/privacy-audio.js DIR\n');
    process.exit(2);
  }
  writePrivacyAudio(dir);
  process.stdout.write(`wrote ${Object.keys(PRIVACY_AUDIO).join(', ')} to ${dir}\n`);
}
