/**
 * Built-in speech synthesizer on espeak-ng (RFC 6787 §8 SPEAK): plain text and SSML, voices by
 * language, Voice-* / Prosody-* headers as espeak-ng options, audio streamed from the espeak-ng
 * process and resampled to the channel's rate with the codec addon, a byte-bounded LRU cache of
 * finished prompts, and a bounded number of concurrent espeak-ng processes with a FIFO queue.
 * A missing binary is found by `init()` (one clear error at start-up): the engine then serves no
 * language, so a SPEAK gets `language-unsupported`; a run that fails later fails its request only.
 */
import { createHash } from 'node:crypto';
import { Resampler, RESAMPLER_RATES, type SampleRate } from '../../../media/index.js';
import { silentLogger, type MrcpLogger } from '../../server/clock.js';
import {
  EngineError,
  type SpeakJob,
  type SynthesizerEngine,
  type SynthOutput,
  type SynthTask,
} from '../engine-types.js';
import { ByteLru, type LruStats } from './lru-cache.js';
import { DEFAULT_VOICES, espeakVoice } from './espeak-options.js';
import { runEspeak, type EspeakRun } from './espeak-process.js';
import { PromptPump } from './prompt-pump.js';
import { runProgram } from './run-program.js';
import { Slots, SlotsFullError } from './slots.js';
import { prepareSsml, type SsmlLimits, type SsmlSegment } from './ssml.js';

export interface EspeakSynthOptions {
  name?: string;
  /** Program path or name looked up on PATH (default `espeak-ng`). */
  espeakPath?: string;
  /** Environment for the processes (default: the daemon's). */
  env?: NodeJS.ProcessEnv;
  /** Language tag → espeak-ng voice (default en → en-us, en-GB → en-gb, cmn/zh → cmn). */
  voices?: Record<string, string>;
  /** Concurrent espeak-ng processes (default 2) and SPEAKs waiting for one (default 64). */
  maxProcesses?: number;
  maxQueue?: number;
  /** Prompt cache size in bytes (default 32 MiB) and largest cached prompt (default 4 MiB). */
  cacheBytes?: number;
  cacheEntryBytes?: number;
  /** Largest plain-text body in bytes (default 64 KiB); SSML limits in `ssml`. */
  maxTextBytes?: number;
  ssml?: SsmlLimits;
  /** Audio synthesized ahead of playout before espeak-ng is paused (default 30 s). */
  aheadMs?: number;
  /** A run that writes nothing for this long (while not paused) is killed (default 10 s). */
  stallMs?: number;
  rateWpm?: number;
  logger?: MrcpLogger;
}

export interface SynthHealth {
  ok: boolean;
  version?: string;
  error?: string;
  voices?: string[];
}

export interface EspeakSynthStats {
  speaks: number;
  cacheHits: number;
  processes: number;
  failures: number;
  cancelled: number;
  running: number;
  queued: number;
  cache: LruStats;
}

export interface EspeakSynthesizer extends SynthesizerEngine {
  /** Start-up health check: runs `espeak-ng --version` and `--voices`. Never throws. */
  init(): Promise<SynthHealth>;
  readonly health: SynthHealth | undefined;
  readonly stats: EspeakSynthStats;
}

interface CachedPrompt {
  samples: Int16Array;
  marks: { at: number; name: string }[];
  byteLength: number;
}

type Piece = { text: string; ssml: boolean } | { mark: string };

const CHUNK_MS = 200;

export function createEspeakSynthesizer(opts: EspeakSynthOptions = {}): EspeakSynthesizer {
  const path = opts.espeakPath ?? 'espeak-ng';
  const voices = opts.voices ?? DEFAULT_VOICES;
  const logger = opts.logger ?? silentLogger;
  const slots = new Slots('espeak-ng', opts.maxProcesses ?? 2, opts.maxQueue ?? 64);
  const cache = new ByteLru<CachedPrompt>(opts.cacheBytes ?? 32 << 20, opts.cacheEntryBytes ?? 4 << 20, 4096);
  const maxText = opts.maxTextBytes ?? 64 * 1024;
  const aheadMs = opts.aheadMs ?? 30_000;
  const stallMs = opts.stallMs ?? 10_000;
  const languages = Object.keys(voices);
  let health: SynthHealth | undefined;
  let installed: Set<string> | undefined;
  const counts = { speaks: 0, cacheHits: 0, processes: 0, failures: 0, cancelled: 0 };

  function pieces(job: SpeakJob): Piece[] {
    if (job.contentType === 'text/uri-list')
      throw new EngineError('uri-failure', 'the espeak-ng synthesizer fetches no URI');
    if (job.contentType === 'application/ssml+xml') {
      const r = prepareSsml(job.text, opts.ssml);
      if (!r.ok) throw new EngineError('parse-failure', `SSML: ${r.error}`);
      return r.segments.map((s: SsmlSegment) =>
        'mark' in s ? { mark: s.mark } : { text: s.ssml, ssml: true },
      );
    }
    if (Buffer.byteLength(job.text, 'utf8') > maxText)
      throw new EngineError('error', `text longer than ${maxText} bytes`);
    return job.text.trim() === '' ? [] : [{ text: job.text, ssml: false }];
  }

  function playCached(c: CachedPrompt, out: SynthOutput, rate: number): SynthTask {
    const pump = new PromptPump(
      out,
      Number.MAX_SAFE_INTEGER,
      () => undefined,
      () => undefined,
    );
    const step = Math.max(1, Math.round((rate * CHUNK_MS) / 1000));
    let m = 0;
    for (let at = 0; at < c.samples.length; at += step) {
      while (m < c.marks.length && (c.marks[m] as { at: number }).at <= at)
        pump.mark((c.marks[m++] as { name: string }).name);
      pump.push(c.samples.subarray(at, Math.min(c.samples.length, at + step)));
    }
    while (m < c.marks.length) pump.mark((c.marks[m++] as { name: string }).name);
    pump.end();
    return { cancel: () => pump.close() };
  }

  const engine: EspeakSynthesizer = {
    kind: 'synthesizer',
    name: opts.name ?? 'espeak-ng',
    get languages(): readonly string[] {
      return health && !health.ok ? [] : languages;
    },
    contentTypes: ['text/plain', 'application/ssml+xml', 'text/uri-list'],
    get health() {
      return health;
    },
    get stats(): EspeakSynthStats {
      return { ...counts, running: slots.running, queued: slots.waiting, cache: { ...cache.stats } };
    },

    async init(): Promise<SynthHealth> {
      const v = await runProgram(path, ['--version'], { env: opts.env, timeoutMs: 5000 });
      if (!v.ok) {
        health = { ok: false, error: v.error ?? 'espeak-ng --version failed' };
        logger.error(
          `synthesizer ${engine.name}: espeak-ng unavailable, SPEAK will be refused: ${health.error}`,
        );
        return health;
      }
      const list = await runProgram(path, ['--voices'], { env: opts.env, timeoutMs: 5000 });
      installed = new Set<string>();
      for (const line of list.stdout.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols[1]) installed.add(cols[1].toLowerCase());
        for (const m of line.matchAll(/\(([a-z0-9-]+) \d+\)/gi))
          installed.add((m[1] as string).toLowerCase());
      }
      const missing = [...new Set(Object.values(voices))].filter((x) => !installed?.has(x));
      if (missing.length > 0)
        logger.warn(`synthesizer ${engine.name}: espeak-ng voices not installed: ${missing.join(', ')}`);
      health = { ok: true, version: v.stdout.trim().split('\n')[0] ?? '', voices: [...installed].sort() };
      logger.info(`synthesizer ${engine.name}: ${health.version}`);
      return health;
    },

    speak(job: SpeakJob, out: SynthOutput): SynthTask {
      counts.speaks++;
      if (health && !health.ok)
        throw new EngineError('error', `espeak-ng unavailable: ${health.error ?? ''}`);
      if (!(RESAMPLER_RATES as readonly number[]).includes(job.sampleRate))
        throw new EngineError('error', `channel rate ${job.sampleRate} Hz not supported`);
      const list = pieces(job);
      const v = espeakVoice(job.language, job.params, { voices, installed, rateWpm: opts.rateWpm });
      if (!v.ok) throw new EngineError('language-unsupported', v.reason);
      const key = createHash('sha256')
        .update(JSON.stringify([job.sampleRate, v.choice.args, list]))
        .digest('base64');
      const hit = cache.get(key);
      if (hit) {
        counts.cacheHits++;
        return playCached(hit, out, job.sampleRate);
      }
      let wait;
      try {
        wait = slots.acquire();
      } catch (err) {
        if (err instanceof SlotsFullError) throw new EngineError('error', err.message);
        throw err;
      }
      return startRun(job, out, list, v.choice.args, key, wait);
    },
  };

  function startRun(
    job: SpeakJob,
    out: SynthOutput,
    list: Piece[],
    args: string[],
    key: string,
    wait: ReturnType<Slots['acquire']>,
  ): SynthTask {
    const rate = job.sampleRate as SampleRate;
    let run: EspeakRun | undefined;
    let resampler: Resampler | undefined;
    let cancelled = false;
    let release: (() => void) | undefined;
    const pump = new PromptPump(
      out,
      Math.round((rate * aheadMs) / 1000),
      () => run?.pause(),
      () => run?.resume(),
      Math.floor((opts.cacheEntryBytes ?? 4 << 20) / 2),
    );
    const finish = (error?: string): void => {
      release?.();
      release = undefined;
      resampler?.close();
      resampler = undefined;
      run = undefined;
      if (cancelled) return;
      if (error) {
        counts.failures++;
        pump.close();
        logger.warn(`synthesizer ${engine.name}: ${job.channelId} SPEAK ${job.requestId}: ${error}`);
        out.fail('error', error);
        return;
      }
      pump.end();
      const rec = pump.recording();
      if (rec) cache.set(key, { ...rec, byteLength: rec.samples.byteLength + 64 * rec.marks.length });
    };
    const convert = (s: Int16Array, from: number): Int16Array | undefined => {
      if (from === rate) return s;
      if (!resampler || resampler.fromHz !== from) {
        resampler?.close();
        if (!(RESAMPLER_RATES as readonly number[]).includes(from)) return undefined;
        resampler = new Resampler(from as SampleRate, rate);
      }
      const dst = new Int16Array(resampler.maxOutputLength(s.length));
      return dst.subarray(0, resampler.process(s, dst));
    };
    const flush = (): void => {
      if (!resampler) return;
      const tail = convert(new Int16Array(resampler.delay + 1), resampler.fromHz);
      if (tail) pump.push(tail);
    };
    const next = (i: number): void => {
      if (cancelled) return;
      const p = list[i];
      if (p === undefined) {
        flush();
        finish();
        return;
      }
      if ('mark' in p) {
        pump.mark(p.mark);
        next(i + 1);
        return;
      }
      counts.processes++;
      let failed = false;
      const tag = `synthesizer ${engine.name}: ${job.channelId} SPEAK ${job.requestId}`;
      run = runEspeak({
        path,
        args: p.ssml ? [...args, '-b', '1', '-m'] : [...args, '-b', '1'],
        input: p.text,
        env: opts.env,
        stallMs,
        onSamples: (s, from) => {
          if (cancelled || failed) return;
          const c = convert(s, from);
          if (!c) {
            failed = true;
            run?.kill();
            finish(`espeak-ng rate ${from} Hz not supported`);
            return;
          }
          pump.push(c);
        },
        onEnd: (error) => {
          logger.debug(`${tag}: espeak-ng ended${error ? ` (${error})` : ''}`);
          if (cancelled || failed) return;
          if (error) finish(error);
          else next(i + 1);
        },
      });
      logger.debug(`${tag}: espeak-ng started, pid ${String(run.pid)}`);
    };
    wait.ready.then(
      (r) => {
        logger.debug(
          `synthesizer ${engine.name}: ${job.channelId} SPEAK ${job.requestId}: espeak-ng slot acquired`,
        );
        if (cancelled) return r();
        release = r;
        next(0);
      },
      () => undefined,
    );
    return {
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        counts.cancelled++;
        wait.cancel();
        run?.kill();
        pump.close();
        finish();
      },
    };
  }

  return engine;
}
