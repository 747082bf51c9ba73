/** Helpers for the built-in engine tests: drive engines at the contract level, make speech. */
import { execFileSync } from 'node:child_process';
import type {
  GrammarSource,
  HeaderField,
  RecognitionOutcome,
  RecognizerEngine,
  SpeakJob,
  SynthesizerEngine,
} from '../../../../src/mrcp/index.js';

export interface SpeakResult {
  samples: Int16Array;
  /** Events in order: `write`, `mark:<name>`, `end`, `fail:<cause>`. */
  events: string[];
  cause?: string;
  reason?: string;
  firstWriteMs?: number;
  endMs?: number;
}

export function speakJob(text: string, o: Partial<SpeakJob> = {}): SpeakJob {
  return {
    channelId: 'T@speechsynth',
    requestId: 1,
    sampleRate: 8000,
    language: 'en-US',
    params: [],
    vendor: [],
    contentType: 'text/plain',
    body: Buffer.from(text),
    text,
    ...o,
  };
}

/** Runs one SPEAK to its end; `onWrite` sees each write (e.g. to check engine state then). */
export function speakAll(
  engine: SynthesizerEngine,
  job: SpeakJob,
  onWrite?: (n: number) => void,
): { done: Promise<SpeakResult>; cancel: () => void; syncWrites: number } {
  const chunks: Int16Array[] = [];
  const events: string[] = [];
  const t0 = performance.now();
  const r: SpeakResult = { samples: new Int16Array(0), events };
  let resolve!: (v: SpeakResult) => void;
  const done = new Promise<SpeakResult>((res) => (resolve = res));
  const finish = (): void => {
    const n = chunks.reduce((a, c) => a + c.length, 0);
    r.samples = new Int16Array(n);
    let o = 0;
    for (const c of chunks) {
      r.samples.set(c, o);
      o += c.length;
    }
    r.endMs = performance.now() - t0;
    resolve(r);
  };
  const handle = { done, cancel: () => undefined as void, syncWrites: 0 };
  try {
    const task = engine.speak(job, {
      write(s) {
        if (r.firstWriteMs === undefined) r.firstWriteMs = performance.now() - t0;
        chunks.push(s.slice());
        events.push('write');
        onWrite?.(chunks.length);
        return true;
      },
      onDrain() {},
      marker(name) {
        events.push(`mark:${name}`);
      },
      end() {
        events.push('end');
        finish();
      },
      fail(cause, reason) {
        events.push(`fail:${cause}`);
        r.cause = cause;
        r.reason = reason;
        finish();
      },
    });
    handle.syncWrites = events.filter((e) => e === 'write').length;
    handle.cancel = () => task.cancel();
  } catch (err) {
    const e = err as { completionCause?: string; message: string };
    events.push(`throw:${e.completionCause ?? 'none'}`);
    r.cause = e.completionCause;
    r.reason = e.message;
    finish();
  }
  return handle;
}

/** RMS level in dBFS of a stretch of samples. */
export function rmsDbfs(s: Int16Array): number {
  let sum = 0;
  for (const v of s) sum += v * v;
  const rms = Math.sqrt(sum / Math.max(1, s.length)) / 32768;
  return rms <= 1e-6 ? -120 : 20 * Math.log10(rms);
}

/** Fraction of 20 ms frames above -40 dBFS. */
export function voicedShare(s: Int16Array, rate: number): number {
  const n = rate / 50;
  let voiced = 0;
  let frames = 0;
  for (let i = 0; i + n <= s.length; i += n, frames++) if (rmsDbfs(s.subarray(i, i + n)) > -40) voiced++;
  return frames === 0 ? 0 : voiced / frames;
}

/**
 * espeak-ng speaking `text`, as 16-bit mono PCM at `rate` (sox converts, with `-D`: sox dithers
 * by default, which would make every run's audio, and so the recognizer's scores, a little
 * different).
 */
export function espeakPcm(text: string, rate: number, voice = 'en-us', extra: string[] = []): Int16Array {
  const wav = execFileSync('espeak-ng', ['-v', voice, ...extra, '--stdout', text], { maxBuffer: 64 << 20 });
  const raw = execFileSync(
    'sox',
    ['-D', '-t', 'wav', '-', '-r', String(rate), '-b', '16', '-c', '1', '-e', 'signed', '-t', 'raw', '-'],
    {
      input: wav,
      maxBuffer: 64 << 20,
    },
  );
  return new Int16Array(raw.buffer, raw.byteOffset, raw.length >> 1).slice();
}

export const builtin = (ref: string, weight = 1): GrammarSource => ({ ref, contentType: 'builtin', weight });
export const inline = (contentType: string, text: string, ref = 'session:g1'): GrammarSource => ({
  ref,
  contentType,
  text,
  weight: 1,
});

export interface RecognizeRun {
  outcome?: RecognitionOutcome;
  fail?: { cause: string; reason?: string };
  events: string[];
}

/**
 * Feeds `audio` (with `leadMs` of silence before and `tailMs` after) in 20 ms frames, then asks
 * for the result, as the machine does when its speech-complete timer fires.
 */
export async function recognizeAudio(
  engine: RecognizerEngine,
  grammars: GrammarSource[],
  audio: Int16Array,
  o: { rate?: number; language?: string; params?: HeaderField[]; leadMs?: number; tailMs?: number } = {},
): Promise<RecognizeRun> {
  const rate = o.rate ?? 8000;
  const run: RecognizeRun = { events: [] };
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const task = await engine.recognize(
    {
      channelId: 'T@speechrecog',
      requestId: 2,
      sampleRate: rate,
      language: o.language ?? 'en-US',
      params: o.params ?? [],
      vendor: [],
      grammars,
      hotword: false,
    },
    {
      startOfInput: (m) => void run.events.push(`start:${m}`),
      dtmfState: (s) => void run.events.push(`dtmf:${s}`),
      speechState: (sp, m) => void run.events.push(`speech:${sp ? 'on' : 'off'}:${m}`),
      result: (r) => {
        run.outcome = r;
        resolve();
      },
      fail: (cause, reason) => {
        run.fail = { cause, reason };
        resolve();
      },
    },
  );
  const n = rate / 50;
  const lead = Math.round(((o.leadMs ?? 300) * rate) / 1000);
  const tail = Math.round(((o.tailMs ?? 700) * rate) / 1000);
  const all = new Int16Array(lead + audio.length + tail);
  all.set(audio, lead);
  for (let i = 0; i + n <= all.length; i += n) task.audio(all.slice(i, i + n));
  task.finish();
  await done;
  return run;
}
