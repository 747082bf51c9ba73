/**
 * bench/codec: ns per 20 ms frame, the addon against the best pure-JavaScript package for each job
 * (or a plain JavaScript version where the registry has none), measured in the same run, plus the
 * bare cost of one N-API call. Run with `npm run bench:codec`; prints Markdown tables.
 */
import { createRequire } from 'node:module';
import alawmulaw from 'alawmulaw';
import waveResampler from 'wave-resampler';
import {
  DtmfDetector,
  DtmfGenerator,
  frameEnergyDbov,
  G722Decoder,
  G722Encoder,
  Resampler,
  toneLevelsDbov,
  type SampleRate,
} from '../../src/media/index.js';
import { g711Js, g711Native, JS_PATH_MAX_ELEMENTS } from '../../src/media/codec/g711.js';
import { native } from '../../src/media/codec/index.js';
import { G722DecoderJs, G722EncoderJs } from './g722-js.js';
import { cycle, fmt, nsPerCall } from './timing.js';

interface DtmfStream {
  _write(chunk: Buffer, enc: string, cb: () => void): void;
}
const DtmfDetectionStream = createRequire(import.meta.url)('dtmf-detection-stream') as new (a: {
  format: { sampleRate: number; channels: number };
}) => DtmfStream;

const FRAMES = 50;

/** FRAMES frames of 20 ms at `rate`: two tones and noise, different in every frame. */
function speechLike(rate: number): Int16Array[] {
  let s = 12345;
  const n = rate / 50;
  return Array.from({ length: FRAMES }, (_, f) =>
    Int16Array.from({ length: n }, (_, i) => {
      s = (s * 1103515245 + 12345) >>> 0;
      const t = (f * n + i) / rate;
      return Math.round(
        6000 * Math.sin(2 * Math.PI * 310 * t) +
          2500 * Math.sin(2 * Math.PI * 1870 * t) +
          ((s >>> 16) % 2000) -
          1000,
      );
    }),
  );
}

const lines: string[] = [];
const out = (s = '') => {
  lines.push(s);
  console.log(s);
};

// --- The bare N-API crossing ---
const n = native();
const frame160 = new Int16Array(160);
const emptyJs = (x?: Int16Array) => x;
const napi = {
  js: nsPerCall(() => void emptyJs(frame160)),
  noop: nsPerCall(() => n.noop()),
  typed: nsPerCall(() => void n.noop_typed(frame160)),
};
out(
  `N-API call cost: empty call ${fmt(napi.noop)}, call taking one Int16Array ${fmt(napi.typed)} (an empty JavaScript call: ${fmt(napi.js)})`,
);
out();

// --- G.711: native (1 and 50 frames per call), our JavaScript tables, alawmulaw ---
const pcm8 = speechLike(8000);
const codes = pcm8.map((f) => alawmulaw.mulaw.encode(f));
const bigPcm = new Int16Array(160 * FRAMES);
pcm8.forEach((f, i) => bigPcm.set(f, i * 160));
const bigCodes = alawmulaw.mulaw.encode(bigPcm);
const dst8 = new Uint8Array(160 * FRAMES);
const dst16 = new Int16Array(160 * FRAMES);
const nextPcm = cycle(pcm8);
const nextCode = cycle(codes);
const g711Rows: [string, () => void, () => void, () => void, () => void][] = [
  [
    'µ-law → A-law',
    () => g711Native.ulawToAlaw(nextCode(), dst8),
    () => g711Native.ulawToAlaw(bigCodes, dst8),
    () => g711Js.ulawToAlaw(nextCode(), dst8),
    () => void alawmulaw.alaw.encode(alawmulaw.mulaw.decode(nextCode())),
  ],
  [
    'A-law encode',
    () => g711Native.alawEncode(nextPcm(), dst8),
    () => g711Native.alawEncode(bigPcm, dst8),
    () => g711Js.alawEncode(nextPcm(), dst8),
    () => void alawmulaw.alaw.encode(nextPcm()),
  ],
  [
    'A-law decode',
    () => g711Native.alawDecode(nextCode(), dst16),
    () => g711Native.alawDecode(bigCodes, dst16),
    () => g711Js.alawDecode(nextCode(), dst16),
    () => void alawmulaw.alaw.decode(nextCode()),
  ],
  [
    'µ-law encode',
    () => g711Native.ulawEncode(nextPcm(), dst8),
    () => g711Native.ulawEncode(bigPcm, dst8),
    () => g711Js.ulawEncode(nextPcm(), dst8),
    () => void alawmulaw.mulaw.encode(nextPcm()),
  ],
];
out(
  '| G.711, 160 samples (20 ms at 8 kHz) | native, 1 frame per call | native, 50 frames per call | JS 256/65,536-entry table (ours) | alawmulaw 6.0.0 | used by voicegate |',
);
out('|---|---:|---:|---:|---:|---|');
for (const [name, one, batch, table, pkg] of g711Rows) {
  const r = [nsPerCall(one), nsPerCall(batch) / FRAMES, nsPerCall(table), nsPerCall(pkg)];
  out(
    `| ${name} | ${r.map(fmt).join(' | ')} | ${r[0]! <= r[2]! ? 'native' : 'JS table'} (JS table only for ≤ ${JS_PATH_MAX_ELEMENTS} elements) |`,
  );
}
out();

// --- The rest: native against a pure-JavaScript baseline ---
type Row = [op: string, nativeFn: () => void, baseline: string, baselineFn: () => void];
const rows: Row[] = [];

const pcm16 = speechLike(16000);
const nextPcm16 = cycle(pcm16);
{
  const enc = new G722Encoder();
  const encJs = new G722EncoderJs();
  const a = new Uint8Array(160);
  const b = new Uint8Array(160);
  // The baseline must compute the same thing: compare a whole pass first.
  for (const f of pcm16) {
    enc.encode(f, a);
    encJs.encode(f, b);
    if (a.some((v, i) => v !== b[i])) throw new Error('G.722 JavaScript baseline differs from the addon');
  }
  rows.push([
    'G.722 encode, 320 samples',
    () => void enc.encode(nextPcm16(), a),
    'plain JS port (no npm package)',
    () => encJs.encode(nextPcm16(), b),
  ]);
  const g722codes = pcm16.map((f) => {
    const c = new Uint8Array(160);
    new G722Encoder().encode(f, c);
    return c;
  });
  const nextG722 = cycle(g722codes);
  const dec = new G722Decoder();
  const decJs = new G722DecoderJs();
  const o = new Int16Array(320);
  rows.push([
    'G.722 decode, 160 octets',
    () => void dec.decode(nextG722(), o),
    'plain JS port (no npm package)',
    () => decJs.decode(nextG722(), o),
  ]);
}

const pairs: [SampleRate, SampleRate][] = [
  [8000, 16000],
  [16000, 8000],
  [22050, 8000],
  [24000, 8000],
  [48000, 8000],
  [8000, 48000],
];
for (const [from, to] of pairs) {
  const r = new Resampler(from, to);
  const frames = cycle(speechLike(from));
  const o = new Int16Array(r.maxOutputLength(from / 50));
  rows.push([
    `resample ${from / 1000} → ${to / 1000} kHz, ${from / 50} samples`,
    () => void r.process(frames(), o),
    "wave-resampler 1.0.0 ('sinc', LPF)",
    () => void waveResampler.resample(frames(), from, to, { method: 'sinc', LPF: true }),
  ]);
}

for (const rate of [8000, 16000] as const) {
  const g = new DtmfGenerator({ sampleRate: rate });
  g.queue('1234567890*#ABCD');
  const dtmfFrames: Int16Array[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const f = new Int16Array(rate / 50);
    g.generate(f);
    dtmfFrames.push(f);
  }
  const next = cycle(dtmfFrames);
  const det = new DtmfDetector({ sampleRate: rate });
  const stream = new DtmfDetectionStream({ format: { sampleRate: rate, channels: 1 } });
  const bufs = dtmfFrames.map((f) => Buffer.from(f.buffer));
  const nextBuf = cycle(bufs);
  rows.push([
    `DTMF detect, ${rate / 50} samples`,
    () => void det.process(next()),
    'dtmf-detection-stream 1.18.0',
    () => stream._write(nextBuf(), 'buffer', () => undefined),
  ]);
}

{
  const gen = new DtmfGenerator({ toneMs: 10000 });
  gen.queue('5');
  const o = new Int16Array(160);
  let phase = 0;
  const lo = 2 * Math.PI * (770 / 8000);
  const hi = 2 * Math.PI * (1336 / 8000);
  rows.push([
    'DTMF generate, 160 samples',
    () => void gen.generate(o),
    'plain JS Math.sin (no npm package)',
    () => {
      for (let i = 0; i < 160; i++, phase = (phase + 1) % 8000) {
        o[i] = Math.round(7219 * Math.sin(lo * phase) + 9088 * Math.sin(hi * phase));
      }
    },
  ]);
}

{
  const f = cycle(pcm8);
  rows.push([
    'frame energy (dBov), 160 samples',
    () => void frameEnergyDbov(f()),
    'plain JS loop',
    () => {
      const x = f();
      let s = 0;
      for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
      void (10 * Math.log10(s / x.length / 32768 ** 2));
    },
  ]);
  const freqs = [450, 900, 1400, 2100];
  const lv = new Float64Array(4);
  rows.push([
    'tone levels (Goertzel), 4 frequencies, 160 samples',
    () => toneLevelsDbov(f(), 8000, freqs, lv),
    'plain JS Goertzel',
    () => {
      const x = f();
      for (let k = 0; k < 4; k++) {
        const c = 2 * Math.cos((2 * Math.PI * freqs[k]!) / 8000);
        let s1 = 0;
        let s2 = 0;
        for (let i = 0; i < x.length; i++) {
          const s0 = x[i]! + c * s1 - s2;
          s2 = s1;
          s1 = s0;
        }
        lv[k] = 10 * Math.log10((2 * (s1 * s1 + s2 * s2 - c * s1 * s2)) / x.length ** 2 / 32768 ** 2);
      }
    },
  ]);
}

out('| operation (one 20 ms frame) | native | pure-JS baseline | baseline | baseline ÷ native |');
out('|---|---:|---|---:|---:|');
for (const [op, nat, base, baseFn] of rows) {
  const a = nsPerCall(nat);
  const b = nsPerCall(baseFn);
  out(`| ${op} | ${fmt(a)} | ${base} | ${fmt(b)} | ${(b / a).toFixed(1)}× |`);
}
out();
out(
  `node ${process.version}, ${process.arch}; fastest of 7 timed trials per cell, ${FRAMES} distinct frames cycled.`,
);
