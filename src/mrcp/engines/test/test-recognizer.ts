/**
 * Deterministic test recognizer. DTMF: keys matched exactly against DTMF grammars
 * (`builtin:dtmf/digits?length=N`, `builtin:dtmf/boolean`, SRGS XML/ABNF in DTMF mode). Speech:
 * energy-based — any speech against a voice grammar gives one fixed interpretation. External
 * URIs are not fetched (`uri-failure`); unknown builtins fail with `grammar-load-failure`.
 */
import { headerOr } from '../../codec/header-values.js';
import type {
  GrammarSource,
  InterpretJob,
  RecognitionListener,
  RecognitionOutcome,
  RecognizeJob,
  RecognizerEngine,
  RecognizerTask,
} from '../engine-types.js';
import { EnergyVad } from '../../server/energy.js';
import { compileDtmfGrammar } from './dtmf-compile.js';
import type { DtmfMatcher, DtmfState } from './dtmf-grammar.js';

export interface TestRecognizerOptions {
  name?: string;
  languages?: string[];
  /** What any speech is recognized as (default instance/input "yes", confidence 0.9). */
  speech?: { instance: string; input: string; confidence: number };
  /** Builtin voice grammars accepted (default boolean, digits, number). */
  voiceBuiltins?: string[];
}

interface Compiled {
  dtmf: DtmfMatcher[];
  voice: GrammarSource[];
}

const RANK: Record<DtmfState, number> = { none: 0, partial: 1, complete: 2, final: 3 };

export function createTestRecognizer(opts: TestRecognizerOptions = {}): RecognizerEngine {
  const speech = opts.speech ?? { instance: 'yes', input: 'yes', confidence: 0.9 };
  const voiceBuiltins = opts.voiceBuiltins ?? [
    'builtin:grammar/boolean',
    'builtin:grammar/digits',
    'builtin:grammar/number',
  ];

  function compile(grammars: readonly GrammarSource[]): Compiled {
    const out: Compiled = { dtmf: [], voice: [] };
    const isVoice = (ref: string): boolean => voiceBuiltins.includes(ref.split('?')[0] as string);
    for (const g of grammars) {
      const m = compileDtmfGrammar(g, isVoice);
      if (m) out.dtmf.push(m);
      else out.voice.push(g);
    }
    return out;
  }

  function dtmfOutcome(c: Compiled, keys: string): RecognitionOutcome {
    let best: { m: DtmfMatcher; s: DtmfState } | undefined;
    for (const m of c.dtmf) {
      const s = m.state(keys);
      if (!best || RANK[s] > RANK[best.s]) best = { m, s };
    }
    const input = keys.split('').join(' ');
    if (!best || best.s === 'none' || keys === '')
      return { match: 'none', mode: 'dtmf', interpretations: [], input };
    const complete = best.s === 'complete' || best.s === 'final';
    return {
      match: complete ? 'complete' : 'partial',
      mode: 'dtmf',
      input,
      interpretations: [
        {
          grammar: best.m.ref,
          confidence: 1,
          instance: complete ? best.m.instanceOf(keys) : keys,
          input,
          mode: 'dtmf',
        },
      ],
    };
  }

  return {
    kind: 'recognizer',
    name: opts.name ?? 'test-recognizer',
    languages: opts.languages ?? ['*'],

    async defineGrammar(g) {
      compile([g]);
    },

    async recognize(job: RecognizeJob, listener: RecognitionListener): Promise<RecognizerTask> {
      const c = compile(job.grammars);
      const frameMs = 20;
      let vad = new EnergyVad(headerOr(job.params, 'Sensitivity-Level', 0.5), frameMs);
      let keys = '';
      let heard = false;
      let cancelled = false;
      return {
        audio(frame) {
          if (cancelled || c.voice.length === 0) return;
          const v = vad.push(frame);
          if (v.change === 'speech') {
            heard = true;
            listener.startOfInput('speech');
            listener.speechState(true, 'none');
          } else if (v.change === 'silence') listener.speechState(false, 'complete');
        },
        dtmf(digit) {
          if (cancelled || c.dtmf.length === 0) return;
          keys += digit;
          listener.startOfInput('dtmf');
          let best: DtmfState = 'none';
          for (const m of c.dtmf) {
            const s = m.state(keys);
            if (RANK[s] > RANK[best]) best = s;
          }
          listener.dtmfState(best);
        },
        finish() {
          if (cancelled) return;
          const outcome: RecognitionOutcome =
            keys !== ''
              ? dtmfOutcome(c, keys)
              : heard
                ? {
                    match: 'complete',
                    mode: 'speech',
                    input: speech.input,
                    interpretations: [
                      {
                        grammar: (c.voice[0] as GrammarSource).ref,
                        confidence: speech.confidence,
                        instance: speech.instance,
                        input: speech.input,
                        mode: 'speech',
                      },
                    ],
                  }
                : { match: 'none', mode: 'speech', interpretations: [] };
          queueMicrotask(() => {
            if (!cancelled) listener.result(outcome);
          });
        },
        reset() {
          keys = '';
          heard = false;
          vad = new EnergyVad(headerOr(job.params, 'Sensitivity-Level', 0.5), frameMs);
        },
        cancel() {
          cancelled = true;
        },
      };
    },

    async interpret(job: InterpretJob): Promise<RecognitionOutcome> {
      const c = compile(job.grammars);
      const keys = job.text.replace(/\s+/g, '');
      if (c.dtmf.length > 0 && /^[0-9*#A-D]+$/i.test(keys)) {
        const o = dtmfOutcome(c, keys);
        if (o.match !== 'none') return o;
      }
      if (c.voice.length > 0 && job.text.toLowerCase().includes(speech.input.toLowerCase())) {
        return {
          match: 'complete',
          mode: 'speech',
          input: job.text,
          interpretations: [
            {
              grammar: (c.voice[0] as GrammarSource).ref,
              confidence: speech.confidence,
              instance: speech.instance,
              input: job.text,
              mode: 'speech',
            },
          ],
        };
      }
      return { match: 'none', mode: 'speech', interpretations: [], input: job.text };
    },
  };
}
