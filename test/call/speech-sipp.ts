/**
 * SIPp for the speech tests: the call harness's runner with `-d` (the length of the scenarios'
 * `<pause/>`: when the caller keys or speaks), and utterance pcaps made with espeak-ng: G.711 A-law
 * RTP at 20 ms, silence around the words, written where SIPp's play_pcap_audio finds them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alawEncode } from '../../src/media/index.js';
import { espeakPcm } from '../mrcp/engines/builtin/speech-helpers.js';
import { writePcap } from '../helpers/pcap.js';
import { runSipp, type SippRun } from './sipp.js';

export interface SpeechSippOptions {
  scenario: string;
  port: number;
  service?: string;
  /** Length of the scenario's `<pause/>` (ms). */
  pauseMs?: number;
  cwd?: string;
  timeoutSeconds?: number;
}

/** The call harness's runner with the speech scenarios' defaults (called number 100, 1 s pause). */
export function runSippSpeech(o: SpeechSippOptions): Promise<SippRun> {
  return runSipp({ ...o, service: o.service ?? '100', pauseMs: o.pauseMs ?? 1000 });
}

/** PCM as A-law RTP packets at 20 ms (one SSRC, sequence and timestamp from 0), into a pcap. */
export function writeUtterancePcap(file: string, pcm: Int16Array): void {
  const packets = [];
  for (let i = 0; i * 160 < pcm.length; i++) {
    const frame = new Int16Array(160);
    frame.set(pcm.subarray(i * 160, Math.min(pcm.length, (i + 1) * 160)));
    const rtp = Buffer.alloc(12 + 160);
    rtp[0] = 0x80;
    rtp[1] = 8 | (i === 0 ? 0x80 : 0);
    rtp.writeUInt16BE(i & 0xffff, 2);
    rtp.writeUInt32BE(160 * i, 4);
    rtp.writeUInt32BE(0x5eec4a11, 8);
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

/** espeak-ng saying `text` at 8 kHz with `leadMs` of silence before and `tailMs` after. */
export function utterance(text: string, leadMs = 200, tailMs = 1000): Int16Array {
  const words = espeakPcm(text, 8000);
  const out = new Int16Array(8 * leadMs + words.length + 8 * tailMs);
  out.set(words, 8 * leadMs);
  return out;
}

/** A working directory for SIPp holding `utterance.pcap` of `text`. */
export function utteranceDir(text: string, leadMs?: number, tailMs?: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'vg-utterance-'));
  writeUtterancePcap(join(dir, 'utterance.pcap'), utterance(text, leadMs, tailMs));
  return dir;
}
