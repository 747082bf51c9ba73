/**
 * bench:speech — the latencies a caller feels in say and gather, on the path calls use: our MRCP
 * client and our MRCP server in one process over real loopback sockets (SIP/UDP, MRCPv2/TCP,
 * RTP/UDP), with caller audio paced at 20 ms:
 * - say → first audible RTP audio frame at the client, cold (new text) and cached (LRU hit);
 * - end of caller speech → RECOGNITION-COMPLETE ("yes" made by espeak-ng, builtin:grammar/boolean);
 * - last DTMF key (RFC 4733) → RECOGNITION-COMPLETE (builtin:dtmf/digits?length=2);
 * - barge-in: the caller's first loud frame → the last audible prompt frame.
 * Baselines in the same run: the same path with the deterministic test engines (tone synthesizer,
 * energy recognizer), and a bare RTP loop (one packet over loopback UDP). Medians and p90 of
 * BENCH_RUNS runs (default 5).
 */
import { createBuiltinEngines, createTestRecognizer, createToneSynthesizer } from '../../src/mrcp/index.js';
import type { MrcpEngine, MrcpSpeechSession } from '../../src/mrcp/index.js';
import { espeakPcm } from '../../test/mrcp/engines/builtin/speech-helpers.js';
import { startPair, type Pair } from '../../test/mrcp/net/net-helpers.js';
import {
  ticks,
  bareRtp,
  bargeIn,
  firstAudio,
  framesOf,
  recognizeDigits,
  recognizeSpeech,
} from './measure.js';

const RUNS = Math.max(1, Math.min(50, Number(process.env.BENCH_RUNS ?? 5)));
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const PROMPT =
  'for sales press two for support press four for billing press six for the operator press zero and to hear these options again stay on the line';

interface Stats {
  median: number;
  p90: number;
  n: number;
  causes: string;
}

function stats(xs: number[], causes: string[] = []): Stats {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  const counts = new Map<string, number>();
  for (const c of causes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return {
    median: at(0.5),
    p90: at(0.9),
    n: s.length,
    causes: [...counts].map(([c, n]) => `${n}× ${c}`).join(', '),
  };
}

const fmt = (s: Stats): string =>
  `${s.median.toFixed(1)} / ${s.p90.toFixed(1)} ms${s.causes ? ` (${s.causes})` : ''}`;

async function session(engines: MrcpEngine[]): Promise<{ pair: Pair; s: MrcpSpeechSession }> {
  const pair = await startPair({
    rtpBase: 40000 + 2 * Math.floor(Math.random() * 4000),
    engines,
    server: { logger: quiet, frameClock: ticks },
    client: { logger: quiet, frameClock: ticks },
  });
  const s = await pair.client.openSession({ resources: ['speechsynth', 'speechrecog'], callId: 'bench' });
  return { pair, s };
}

interface Column {
  cold: Stats;
  cached: Stats;
  speech: Stats;
  speechFast: Stats;
  dtmf: Stats;
  barge: Stats;
  soi: Stats;
}

async function measureAll(engines: MrcpEngine[], utterance: Int16Array): Promise<Column> {
  const { pair, s } = await session(engines);
  try {
    const frames = framesOf(utterance, s.sampleRate / 50);
    const cold: number[] = [];
    const cached: number[] = [];
    await firstAudio(s, 'Welcome to voicegate.');
    for (let i = 0; i < RUNS; i++) {
      cold.push(await firstAudio(s, `Your reference number is ${1000 + i}. Please hold.`));
      cached.push(await firstAudio(s, 'Welcome to voicegate.'));
    }
    const speech: number[] = [];
    const speechCauses: string[] = [];
    const fast: number[] = [];
    const fastCauses: string[] = [];
    const soi: number[] = [];
    const dtmf: number[] = [];
    const dtmfCauses: string[] = [];
    const barge: number[] = [];
    const bargeCauses: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await recognizeSpeech(s, frames, 'builtin:grammar/boolean');
      speech.push(r.ms);
      speechCauses.push(r.cause);
      const q = await recognizeSpeech(s, frames, 'builtin:grammar/boolean', {
        'Speech-Complete-Timeout': '300',
      });
      fast.push(q.ms);
      fastCauses.push(q.cause);
      const b = await bargeIn(s, PROMPT, frames, 600);
      barge.push(b.ms);
      soi.push(b.soiMs);
      bargeCauses.push(b.cause);
    }
    // DTMF last: after RFC 4733 events from our client, the server's audio path is ~100 ms slower
    // (see docs/handoffs/speech-calls.md); calls do not send digits to the recognizer.
    for (let i = 0; i < RUNS; i++) {
      const d = await recognizeDigits(s, '4', '2');
      dtmf.push(d.ms);
      dtmfCauses.push(d.cause);
    }
    return {
      cold: stats(cold),
      cached: stats(cached),
      speech: stats(speech, speechCauses),
      speechFast: stats(fast, fastCauses),
      dtmf: stats(dtmf, dtmfCauses),
      barge: stats(barge, bargeCauses),
      soi: stats(soi),
    };
  } finally {
    s.close();
    await pair.close();
  }
}

function table(rows: string[][]): string {
  const head = ['measure (median / p90)', 'built-in engines', 'test engines, same path', 'bare RTP loop'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  return [
    line(head),
    `| ${w.map((n, i) => (i === 0 ? '-'.repeat(n) : '-'.repeat(n - 1) + ':')).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

// "yes" with 300 ms of silence before it; the feed goes on with silence until the result.
const words = espeakPcm('yes', 8000);
const utterance = new Int16Array(2400 + words.length);
utterance.set(words, 2400);

const builtin = await measureAll(await createBuiltinEngines({ logger: quiet }), utterance);
const test = await measureAll([createToneSynthesizer(), createTestRecognizer()], utterance);
const rtp = stats(await bareRtp(RUNS * 20));
const floor = fmt(rtp);

console.log(`bench:speech (node ${process.version}, ${RUNS} runs per cell; PCMU 8 kHz, 20 ms frames)\n`);
console.log(
  table([
    ['say → first audio frame, cold', fmt(builtin.cold), fmt(test.cold), floor],
    ['say → first audio frame, cached prompt', fmt(builtin.cached), fmt(test.cached), floor],
    ['end of speech → RECOGNITION-COMPLETE', fmt(builtin.speech), fmt(test.speech), floor],
    ['  same, Speech-Complete-Timeout 300 ms', fmt(builtin.speechFast), fmt(test.speechFast), floor],
    ['last DTMF key → RECOGNITION-COMPLETE', fmt(builtin.dtmf), fmt(test.dtmf), floor],
    ['barge-in: caller onset → START-OF-INPUT', fmt(builtin.soi), fmt(test.soi), floor],
    ['barge-in: caller onset → last prompt frame', fmt(builtin.barge), fmt(test.barge), floor],
  ]),
);
console.log(
  [
    '',
    'bare RTP loop: one 172-byte RTP packet, sent → received over loopback UDP (the floor of every row).',
    'End of speech → COMPLETE includes the engine endpointer (300 ms hangover) and Speech-Complete-Timeout',
    '(server default 1000 ms); the DTMF row includes the key’s own RFC 4733 duration. A call cuts its',
    'prompt at START-OF-INPUT (next 20 ms tick); the server stops sending it at the last prompt frame.',
  ].join('\n'),
);
process.exit(0);
