/**
 * Built-in speech recognizer on PocketSphinx (RFC 6787 §9 RECOGNIZE with speech grammars).
 * Grammars (SRGS XML/ABNF, builtin:grammar/boolean|digits) are compiled to JSGF; the codec
 * addon's energy VAD endpoints the caller's audio and drives START-OF-INPUT and the
 * speech-complete/incomplete timers through the listener; audio from just before speech onset
 * (`preRollMs`) is streamed to a PocketSphinx process started at RECOGNIZE. On finish its
 * N-best list is matched exactly against the grammars and turned into NLSML interpretations
 * whose confidence is the hypothesis' posterior within the N-best list.
 */
import { Vad, RESAMPLER_RATES, type SampleRate } from '../../../media/index.js';
import { headerOr } from '../../codec/header-values.js';
import { silentLogger, type MrcpLogger } from '../../server/clock.js';
import {
  EngineError,
  type InterpretJob,
  type MatchState,
  type RecognitionListener,
  type RecognitionOutcome,
  type RecognizeJob,
  type RecognizerEngine,
  type RecognizerTask,
} from '../engine-types.js';
import { PronunciationDict } from './pronunciations.js';
import { Slots, SlotsFullError } from './slots.js';
import { type CompiledRequest, SpeechGrammarCompiler } from './speech-grammar.js';
import { startSphinx, type SphinxHypothesis, type SphinxProcess } from './sphinx-process.js';
import { GrammarError, GRAMMAR_LIMITS, tokenWords, type GrammarLimits } from './srgs-ast.js';
import { ToWideband } from './to-wideband.js';
import { GARBAGE_WORDS } from './word-matcher.js';

export interface SphinxRecognizerOptions {
  name?: string;
  languages?: string[];
  /** `pocketsphinx_batch` (looked up on PATH by default). */
  sphinxPath?: string;
  modelDir?: string;
  dictPath?: string;
  env?: NodeJS.ProcessEnv;
  tmpRoot?: string;
  maxProcesses?: number;
  maxQueue?: number;
  /** Hypotheses asked of PocketSphinx for the posteriors (default 10). */
  nbest?: number;
  /** Natural-log units per score unit for the posterior (default 1/200). */
  scoreScale?: number;
  /** Weight of the noise-only path against the grammars (default 0.5). */
  noiseWeight?: number;
  preRollMs?: number;
  /** Quiet time after speech before the machine's speech-complete timer starts (default 300). */
  hangoverMs?: number;
  onsetMs?: number;
  /** What a pause reports: 'complete' arms Speech-Complete-Timeout, 'partial' Speech-Incomplete. */
  pauseMatch?: 'complete' | 'partial';
  mirrorGain?: number;
  extraArgs?: string[];
  /** Longest wait for a free PocketSphinx slot before `recognizer-error` (default 2000 ms). */
  queueWaitMs?: number;
  /** A task that gets no audio for this long ends itself (default 60 s): a task the machine
   * abandoned (its start deadline passed) must not keep a process. */
  idleMs?: number;
  grammarLimits?: Partial<GrammarLimits>;
  logger?: MrcpLogger;
}

export interface SphinxRecognizer extends RecognizerEngine {
  readonly stats: {
    recognitions: number;
    processes: number;
    failures: number;
    running: number;
    queued: number;
  };
}

const MODEL = '/usr/share/pocketsphinx/model/en-us';

async function waitFor(wait: ReturnType<Slots['acquire']>, ms: number): Promise<() => void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      wait.cancel();
      reject(new EngineError('recognizer-error', `no PocketSphinx slot free within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([wait.ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Distinct hypotheses with posteriors (softmax of scaled scores), best first. */
export function posteriors(
  hyps: readonly SphinxHypothesis[],
  scale: number,
): { words: string[]; p: number }[] {
  const seen = new Map<string, SphinxHypothesis>();
  for (const h of hyps) {
    const k = h.words.join(' ');
    const prev = seen.get(k);
    if (!prev || h.score > prev.score) seen.set(k, h);
  }
  const list = [...seen.values()].sort((a, b) => b.score - a.score);
  const top = list[0]?.score ?? 0;
  const e = list.map((h) => Math.exp((h.score - top) * scale));
  const sum = e.reduce((a, b) => a + b, 0) || 1;
  return list.map((h, i) => ({ words: h.words, p: (e[i] as number) / sum }));
}

export function createSphinxRecognizer(opts: SphinxRecognizerOptions = {}): SphinxRecognizer {
  const logger = opts.logger ?? silentLogger;
  const limits = { ...GRAMMAR_LIMITS, ...opts.grammarLimits };
  const dict = new PronunciationDict(opts.dictPath ?? `${opts.modelDir ?? MODEL}/cmudict-en-us.dict`);
  const compiler = new SpeechGrammarCompiler(dict, limits, opts.noiseWeight ?? 0.5);
  const slots = new Slots('pocketsphinx', opts.maxProcesses ?? 2, opts.maxQueue ?? 16);
  const scale = opts.scoreScale ?? 1 / 200;
  const counts = { recognitions: 0, processes: 0, failures: 0 };

  async function compile(job: { grammars: RecognizeJob['grammars'] }): Promise<CompiledRequest> {
    try {
      return await compiler.request(job.grammars);
    } catch (err) {
      if (err instanceof GrammarError) throw new EngineError(err.completionCause, err.message);
      if (err instanceof RangeError) throw new EngineError('grammar-compilation-failure', err.message);
      if (err instanceof Error && 'code' in err)
        throw new EngineError('recognizer-error', `pronunciation dictionary: ${err.message}`);
      throw err;
    }
  }

  /** From hypotheses to the outcome: exact grammar match, posteriors summed per instance. */
  function outcome(c: CompiledRequest, hyps: readonly SphinxHypothesis[]): RecognitionOutcome {
    const post = posteriors(hyps, scale);
    const best = post[0];
    const input = best ? best.words.filter((w) => !GARBAGE_WORDS.has(w)).join(' ') : '';
    const byKey = new Map<string, RecognitionOutcome['interpretations'][number]>();
    let topMatched = false;
    post.forEach((h, i) => {
      if (h.words.length === 0 || h.words.every((w) => GARBAGE_WORDS.has(w))) return;
      for (const g of c.grammars) {
        const tags = g.compiled.matcher.match(h.words);
        if (!tags) continue;
        if (i === 0) topMatched = true;
        const instance = g.compiled.matcher.instance(h.words, tags);
        const spoken = h.words.filter((w) => !GARBAGE_WORDS.has(w)).join(' ');
        const key = `${g.source.ref}\n${JSON.stringify(instance)}`;
        const prev = byKey.get(key);
        if (prev) prev.confidence = (prev.confidence ?? 0) + h.p;
        else
          byKey.set(key, { grammar: g.source.ref, confidence: h.p, instance, input: spoken, mode: 'speech' });
        break;
      }
    });
    if (!topMatched) return { match: 'none', mode: 'speech', interpretations: [], input };
    const interpretations = [...byKey.values()].sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0));
    for (const it of interpretations)
      it.confidence = Math.min(1, Math.round((it.confidence ?? 0) * 1000) / 1000);
    return { match: 'complete', mode: 'speech', interpretations, input };
  }

  const engine: SphinxRecognizer = {
    kind: 'recognizer',
    name: opts.name ?? 'pocketsphinx',
    languages: opts.languages ?? ['en'],
    get stats() {
      return { ...counts, running: slots.running, queued: slots.waiting };
    },

    async defineGrammar(g) {
      await compile({ grammars: [g] });
    },

    async recognize(job: RecognizeJob, listener: RecognitionListener): Promise<RecognizerTask> {
      counts.recognitions++;
      if (!(RESAMPLER_RATES as readonly number[]).includes(job.sampleRate))
        throw new EngineError('recognizer-error', `channel rate ${job.sampleRate} Hz not supported`);
      const c = await compile(job);
      let wait;
      try {
        wait = slots.acquire();
      } catch (err) {
        if (err instanceof SlotsFullError) throw new EngineError('recognizer-error', err.message);
        throw err;
      }
      const release = await waitFor(wait, opts.queueWaitMs ?? 2000);
      const nbest = Math.max(opts.nbest ?? 10, headerOr(job.params, 'N-Best-List-Length', 1));
      const spawnOne = async (): Promise<SphinxProcess> => {
        counts.processes++;
        return startSphinx({
          path: opts.sphinxPath ?? 'pocketsphinx_batch',
          modelDir: `${opts.modelDir ?? MODEL}/en-us`,
          jsgf: c.jsgf,
          dict: c.dict,
          nbest,
          extraArgs: opts.extraArgs ?? [],
          env: opts.env,
          tmpRoot: opts.tmpRoot,
        });
      };
      let proc: SphinxProcess;
      try {
        proc = await spawnOne();
      } catch (err) {
        release();
        counts.failures++;
        throw new EngineError('recognizer-error', `cannot start PocketSphinx: ${(err as Error).message}`);
      }
      return listen(job, listener, c, proc, spawnOne, release);
    },

    async interpret(job: InterpretJob): Promise<RecognitionOutcome> {
      const c = await compile(job);
      const words = tokenWords(job.text);
      return outcome(c, [{ words, score: 0 }]);
    },
  };

  function listen(
    job: RecognizeJob,
    listener: RecognitionListener,
    c: CompiledRequest,
    first: SphinxProcess,
    spawnOne: () => Promise<SphinxProcess>,
    release: () => void,
  ): RecognizerTask {
    const rate = job.sampleRate as SampleRate;
    const sensitivity = headerOr(job.params, 'Sensitivity-Level', 0.5);
    const newVad = (): Vad =>
      new Vad({
        sampleRate: rate,
        thresholdDbov: -30 - 25 * Math.min(1, Math.max(0, sensitivity)),
        onsetMs: opts.onsetMs ?? 60,
        hangoverMs: opts.hangoverMs ?? 300,
      });
    let vad = newVad();
    const wide = new ToWideband(rate, opts.mirrorGain ?? 0.3);
    const preRollFrames = Math.max(1, Math.round((opts.preRollMs ?? 500) / 20));
    let preRoll: Int16Array[] = [];
    let proc: SphinxProcess | undefined = first;
    let ending: SphinxProcess | undefined;
    let heard = false;
    let speaking = false;
    let done = false;
    const pause: MatchState = opts.pauseMatch ?? 'complete';
    const stop = (): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      proc?.kill();
      ending?.kill();
      proc = undefined;
      ending = undefined;
      vad.close();
      wide.close();
      release();
    };
    const fail = (reason: string): void => {
      if (done) return;
      counts.failures++;
      logger.warn(`recognizer ${engine.name}: ${job.channelId} RECOGNIZE ${job.requestId}: ${reason}`);
      stop();
      listener.fail('recognizer-error', reason);
    };
    const idleMs = opts.idleMs ?? 60_000;
    const idle = setTimeout(() => fail(`no audio for ${idleMs} ms`), idleMs);
    idle.unref();
    return {
      audio(frame) {
        if (done || !proc) return;
        idle.refresh();
        const state = vad.process(frame);
        const w = wide.process(frame);
        if (!heard) {
          preRoll.push(w);
          if (preRoll.length > preRollFrames) preRoll.shift();
          if (state !== 'speech') return;
          heard = true;
          speaking = true;
          for (const f of preRoll) if (!proc.write(f)) return fail('PocketSphinx is not taking audio');
          preRoll = [];
          listener.startOfInput('speech');
          listener.speechState(true, 'none');
          return;
        }
        if (!proc.write(w)) return fail('PocketSphinx is not taking audio');
        const now = vad.speaking;
        if (now !== speaking) {
          speaking = now;
          listener.speechState(now, now ? 'none' : pause);
        }
      },
      dtmf() {},
      finish() {
        if (done) return;
        const p = proc;
        proc = undefined;
        ending = p;
        clearTimeout(idle);
        if (!heard || !p) {
          p?.kill();
          stop();
          queueMicrotask(() => listener.result({ match: 'none', mode: 'speech', interpretations: [] }));
          return;
        }
        p.end().then(
          (hyps) => {
            if (done) return;
            ending = undefined;
            stop();
            listener.result(outcome(c, hyps));
          },
          (err: unknown) => fail(`PocketSphinx: ${(err as Error).message}`),
        );
      },
      reset() {
        if (done) return;
        proc?.kill();
        proc = undefined;
        heard = false;
        speaking = false;
        preRoll = [];
        vad.close();
        vad = newVad();
        idle.refresh();
        spawnOne().then(
          (p) => {
            if (done) p.kill();
            else proc = p;
          },
          (err: unknown) => fail(`cannot restart PocketSphinx: ${(err as Error).message}`),
        );
      },
      cancel() {
        stop();
      },
    };
  }

  return engine;
}
