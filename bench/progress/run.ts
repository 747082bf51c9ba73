/**
 * Call-progress analysis cost per 20 ms frame, on 30 s of a dialing call's audio (prompt, silence,
 * re-prompt, ringback, answer), 8 kHz. Baseline, measured in the same run: the spectrum step
 * alone (the Goertzel bank every analyzer needs). The signal primitives are the plain TypeScript
 * reference (test/media/progress); the codec addon's native ones will cut the spectrum share.
 * Bounded: 3 rounds of 1500 frames per row.
 */
import { readFileSync } from 'node:fs';
import {
  buildReference,
  CallProgressAnalyzer,
  readWav,
  SpectrumAnalyzer,
} from '../../src/media/progress/index.js';
import { referencePrimitives as prims } from '../../test/media/progress/reference-primitives.js';

const FX = new URL('../../../test/fixtures/dialing/', import.meta.url);
const wav = (n: string) => {
  const r = readWav(readFileSync(new URL(n, FX)));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.samples;
};
const parts = ['prompt.wav', 'invalid.wav', 'prompt.wav', 'ringback-cn.wav', 'hello.wav'].map(wav);
const audio = new Int16Array(30 * 8000);
let o = 0;
for (const p of parts) {
  audio.set(p.subarray(0, Math.min(p.length, audio.length - o)), o);
  o += p.length + 4000;
  if (o >= audio.length) break;
}
for (let i = 0; i < audio.length; i++) audio[i] = audio[i]! + ((i * 7919) % 5) - 2;
const frames = audio.length / 160;
const refFiles = ['prompt.wav', 'invalid.wav', 'error.wav', 'busy-phrase.wav', 'no-answer-phrase.wav'];
const refs = refFiles.map((f, i) => {
  const r = buildReference(`r${i}`, 'prompt', wav(f), 8000, prims);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
});

function time(fn: () => void): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e3);
  }
  return best / frames;
}

const rows: [string, number][] = [];
rows.push([
  'baseline: spectrum only',
  time(() => {
    const s = new SpectrumAnalyzer(prims, 8000);
    for (let i = 0; i < frames; i++) s.push(audio.subarray(i * 160, (i + 1) * 160));
  }),
]);
for (const n of [0, 5, 10, 16]) {
  rows.push([
    `analyzer, ${n} references`,
    time(() => {
      const a = new CallProgressAnalyzer(
        prims,
        { sampleRate: 8000, learnHistoryMs: 10_000 },
        () => undefined,
      );
      for (let k = 0; k < n; k++) a.addReference({ ...refs[k % refs.length]!, id: `r${k}` });
      for (let i = 0; i < frames; i++) a.push(audio.subarray(i * 160, (i + 1) * 160));
    }),
  ]);
}
const base = rows[0]![1];
console.log('| configuration | µs per 20 ms frame | × baseline | real-time calls per core |');
console.log('|---|---:|---:|---:|');
for (const [name, us] of rows) {
  console.log(`| ${name} | ${us.toFixed(1)} | ${(us / base).toFixed(2)} | ${Math.floor(20_000 / us)} |`);
}
