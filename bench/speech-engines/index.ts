/**
 * bench:speech-engines — latency and speed of the built-in speech engines at the engine-contract
 * level, each against a baseline measured in the same run:
 * - time to first audio of a SPEAK, cold (cache miss) and cached, vs the first stdout byte of a
 *   bare `espeak-ng --stdout` process started from Node;
 * - synthesis real-time factor of a long paragraph (engine: until SPEAK's end, resampled to
 *   8 kHz; baseline: bare `espeak-ng -w /dev/null`);
 * - recognition latency: from the end of the caller's audio (finish) to the result, vs a bare
 *   `pocketsphinx_continuous` (and `pocketsphinx_batch`) on the same audio from a file, which
 *   also pays the model load our engine pays while the caller is still speaking.
 * Medians of a bounded number of runs (BENCH_RUNS, default 9).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEspeakSynthesizer,
  createSphinxRecognizer,
  SpeechGrammarCompiler,
  PronunciationDict,
  type RecognizerEngine,
  type SynthesizerEngine,
} from '../../src/mrcp/index.js';
import { espeakPcm, speakAll, speakJob } from '../../test/mrcp/engines/builtin/speech-helpers.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const PARAGRAPH =
  'Thank you for calling the voice gateway. Your call is important to us. ' +
  'Please listen carefully, as our menu options have changed. For billing questions, press one. ' +
  'For technical support, press two. To speak with an operator, stay on the line. '.repeat(3);

function rawEspeakFirstByte(text: string): Promise<{ first: number; total: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = -1;
    const p = spawn('espeak-ng', ['-v', 'en-us', '--stdout'], { stdio: ['pipe', 'pipe', 'ignore'] });
    p.stdout.on('data', () => {
      if (first < 0) first = performance.now() - t0;
    });
    p.on('error', reject);
    p.on('close', () => resolve({ first, total: performance.now() - t0 }));
    p.stdin.end(text);
  });
}

function run(cmd: string, args: string[], input?: Buffer | string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'] });
    p.on('error', reject);
    p.on('close', () => resolve(performance.now() - t0));
    if (input !== undefined) p.stdin?.end(input);
  });
}

async function synthBench(synth: SynthesizerEngine): Promise<string[][]> {
  const cold: number[] = [];
  const cached: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const text = `Your reference number is ${1000 + i}. Please hold.`;
    cold.push((await speakAll(synth, speakJob(text)).done).firstWriteMs ?? NaN);
    cached.push((await speakAll(synth, speakJob(text)).done).firstWriteMs ?? NaN);
    base.push((await rawEspeakFirstByte(`Your reference number is ${2000 + i}. Please hold.`)).first);
  }
  const rtf: number[] = [];
  const rawRtf: number[] = [];
  let audioSecs = 0;
  for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 3)); i++) {
    const r = await speakAll(synth, speakJob(`${PARAGRAPH} Run ${i}.`)).done;
    audioSecs = r.samples.length / 8000;
    rtf.push((r.endMs ?? NaN) / 1000 / audioSecs);
    const ms = await run('espeak-ng', ['-v', 'en-us', '-w', '/dev/null', `${PARAGRAPH} Run ${i}.`]);
    rawRtf.push(ms / 1000 / audioSecs);
  }
  const f = (x: number): string => `${x.toFixed(1)} ms`;
  return [
    [
      'time to first audio, cold (cache miss)',
      f(median(cold)),
      f(median(base)),
      'first stdout byte of bare espeak-ng',
    ],
    [
      'time to first audio, cached prompt',
      f(median(cached)),
      f(median(base)),
      'first stdout byte of bare espeak-ng',
    ],
    [
      `synthesis real-time factor (${audioSecs.toFixed(0)} s prompt)`,
      median(rtf).toFixed(4),
      median(rawRtf).toFixed(4),
      'bare espeak-ng -w /dev/null',
    ],
  ];
}

async function recogBench(rec: RecognizerEngine): Promise<string[][]> {
  const rows: string[][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'vg-bench-'));
  try {
    const compiler = new SpeechGrammarCompiler(
      new PronunciationDict('/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict'),
    );
    for (const [word, uri] of [
      ['yes', 'builtin:grammar/boolean'],
      ['one two three', 'builtin:grammar/digits?length=3'],
    ] as const) {
      const g = { ref: uri, contentType: 'builtin', weight: 1 };
      const audio8 = espeakPcm(word, 8000);
      const audio16 = espeakPcm(word, 16000);
      const c = await compiler.request([g]);
      writeFileSync(join(dir, 'g.gram'), c.jsgf);
      writeFileSync(join(dir, 'g.dict'), c.dict);
      writeFileSync(join(dir, 'ctl'), 'utt\n');
      const raw16 = Buffer.from(audio16.buffer, audio16.byteOffset, audio16.byteLength);
      writeFileSync(join(dir, 'utt.raw'), raw16);
      const lat: number[] = [];
      const start: number[] = [];
      const cont: number[] = [];
      const batch: number[] = [];
      let heard = '';
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        let tEnd = 0;
        const done = new Promise<void>((resolve) => {
          void rec
            .recognize(
              {
                channelId: 'B@speechrecog',
                requestId: i,
                sampleRate: 8000,
                language: 'en-US',
                params: [],
                vendor: [],
                grammars: [g],
                hotword: false,
              },
              {
                startOfInput() {},
                dtmfState() {},
                speechState() {},
                result: (o) => {
                  lat.push(performance.now() - tEnd);
                  const inst = o.interpretations[0]?.instance;
                  heard = typeof inst === 'string' ? inst : JSON.stringify(inst);
                  resolve();
                },
                fail: () => resolve(),
              },
            )
            .then(async (task) => {
              start.push(performance.now() - t0);
              const all = new Int16Array(2400 + audio8.length + 6400);
              all.set(audio8, 2400);
              // Real-time pacing is what a call does; the bench feeds 20 ms frames 10× faster.
              for (let k = 0; k + 160 <= all.length; k += 160) {
                task.audio(all.slice(k, k + 160));
                if (k % 1600 === 0) await new Promise((r) => setTimeout(r, 2));
              }
              tEnd = performance.now();
              task.finish();
            });
        });
        await done;
        cont.push(
          await run('pocketsphinx_continuous', [
            '-infile',
            join(dir, 'utt.raw'),
            '-jsgf',
            join(dir, 'g.gram'),
            '-dict',
            join(dir, 'g.dict'),
            '-logfn',
            '/dev/null',
          ]),
        );
        const bdir = mkdtempSync(join(dir, 'b-'));
        symlinkSync(join(dir, 'utt.raw'), join(bdir, 'utt.raw'));
        batch.push(
          await run('pocketsphinx_batch', [
            ...['-adcin', 'yes', '-cepdir', bdir, '-cepext', '.raw', '-ctl', join(dir, 'ctl')],
            ...['-jsgf', join(dir, 'g.gram'), '-dict', join(dir, 'g.dict'), '-logfn', '/dev/null'],
          ]),
        );
      }
      const f = (x: number): string => `${x.toFixed(0)} ms`;
      rows.push([
        `recognition result after end of audio, "${word}" → ${heard}`,
        f(median(lat)),
        f(median(cont)),
        'bare pocketsphinx_continuous on the file (incl. model load)',
      ]);
      rows.push([
        `  same, baseline pocketsphinx_batch`,
        '',
        f(median(batch)),
        'bare pocketsphinx_batch on the file (incl. model load)',
      ]);
      rows.push([
        `  RECOGNIZE start (compile + spawn), "${word}"`,
        f(median(start)),
        '',
        'overlaps the caller speaking',
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

function table(rows: string[][]): string {
  const head = ['measure', 'voicegate engine', 'baseline', 'baseline is'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 || i === 3 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  return [
    line(head),
    `| ${w.map((n, i) => (i === 0 || i === 3 ? '-'.repeat(n) : '-'.repeat(n - 1) + ':')).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

const synth = createEspeakSynthesizer();
const health = await synth.init();
if (!health.ok) throw new Error(`espeak-ng: ${health.error}`);
const rec = createSphinxRecognizer();
const rows = [...(await synthBench(synth)), ...(await recogBench(rec))];
console.log(
  `bench:speech-engines (node ${process.version}, ${RUNS} runs per cell, medians; ${health.version})\n`,
);
console.log(table(rows));
