/**
 * The recognizer the registry sees: it splits a RECOGNIZE's grammars by kind (DTMF or speech)
 * and hands each kind to the engine configured for that kind and the request's language, then
 * merges the two tasks into one. A speech grammar with no engine for the language fails with
 * `language-unsupported` (RFC 6787 §9.4.11 cause 010). The first DTMF key wins over speech (a
 * key press is unambiguous; the speech task is cancelled), as IVR platforms behave.
 */
import {
  EngineError,
  type GrammarSource,
  type InterpretJob,
  type RecognitionListener,
  type RecognitionOutcome,
  type RecognizeJob,
  type RecognizerEngine,
  type RecognizerTask,
} from '../engine-types.js';
import { grammarKind, type GrammarKind } from './grammar-kind.js';

export interface RecognizerRoute {
  /** BCP 47 tags served (prefix match: `en` serves `en-US`); `*` serves any. */
  languages: readonly string[];
  grammarTypes: readonly GrammarKind[];
  engine: RecognizerEngine;
}

export interface RoutingRecognizerOptions {
  name?: string;
  routes: RecognizerRoute[];
}

function langScore(served: string, wanted: string): number {
  if (served === '*') return 1;
  const s = served.toLowerCase();
  const w = wanted.toLowerCase();
  if (s === w) return 100 + s.length;
  if (w.startsWith(s + '-')) return 10 + s.length;
  if (s.startsWith(w + '-')) return 5;
  return 0;
}

/** The route for a kind and a language: the most specific language wins, then route order. */
export function pickRoute(
  routes: readonly RecognizerRoute[],
  kind: GrammarKind,
  language: string,
): RecognizerRoute | undefined {
  let best: RecognizerRoute | undefined;
  let score = 0;
  for (const r of routes) {
    if (!r.grammarTypes.includes(kind)) continue;
    const s = Math.max(0, ...r.languages.map((l) => langScore(l, language)));
    if (s > score) {
      best = r;
      score = s;
    }
  }
  return best;
}

function split(grammars: readonly GrammarSource[]): Record<GrammarKind, GrammarSource[]> {
  const out: Record<GrammarKind, GrammarSource[]> = { dtmf: [], speech: [] };
  for (const g of grammars) out[grammarKind(g)].push(g);
  return out;
}

export function createRoutingRecognizer(o: RoutingRecognizerOptions): RecognizerEngine {
  const engineFor = (kind: GrammarKind, language: string): RecognizerEngine => {
    const r = pickRoute(o.routes, kind, language);
    if (!r) throw new EngineError('language-unsupported', `no ${kind} recognizer for language ${language}`);
    return r.engine;
  };
  const languages = [...new Set(o.routes.flatMap((r) => r.languages))];
  return {
    kind: 'recognizer',
    name: o.name ?? 'builtin',
    languages: languages.includes('*') ? ['*'] : languages,

    async defineGrammar(g) {
      const kind = grammarKind(g);
      const r = o.routes.find((x) => x.grammarTypes.includes(kind));
      if (!r) throw new EngineError('grammar-definition-failure', `no ${kind} recognizer configured`);
      await r.engine.defineGrammar?.(g);
    },

    async recognize(job: RecognizeJob, listener: RecognitionListener): Promise<RecognizerTask> {
      const parts = split(job.grammars);
      const engines = {
        dtmf: parts.dtmf.length > 0 ? engineFor('dtmf', job.language) : undefined,
        speech: parts.speech.length > 0 ? engineFor('speech', job.language) : undefined,
      };
      let mode: 'speech' | 'dtmf' | undefined;
      let cancelled = false;
      const tasks: { dtmf?: RecognizerTask; speech?: RecognizerTask } = {};
      const wrap = (kind: GrammarKind): RecognitionListener => {
        // DTMF is always heard (it takes over from speech); speech only until DTMF started.
        const mine = (): boolean => !cancelled && (kind === 'dtmf' || mode !== 'dtmf');
        return {
          startOfInput: (m) => {
            if (!mine()) return;
            if (kind === 'dtmf' && mode !== 'dtmf') {
              mode = 'dtmf';
              tasks.speech?.cancel();
            } else mode ??= kind;
            listener.startOfInput(m);
          },
          dtmfState: (s) => {
            if (mine()) listener.dtmfState(s);
          },
          speechState: (speaking, match) => {
            if (mine()) listener.speechState(speaking, match);
          },
          result: (r) => {
            if (mine()) listener.result(r);
          },
          fail: (cause, reason) => {
            if (mine()) listener.fail(cause, reason);
          },
        };
      };
      try {
        if (engines.dtmf)
          tasks.dtmf = await engines.dtmf.recognize({ ...job, grammars: parts.dtmf }, wrap('dtmf'));
        if (engines.speech)
          tasks.speech = await engines.speech.recognize({ ...job, grammars: parts.speech }, wrap('speech'));
      } catch (err) {
        tasks.dtmf?.cancel();
        throw err;
      }
      const active = (): RecognizerTask | undefined =>
        mode === 'dtmf' ? tasks.dtmf : mode === 'speech' ? tasks.speech : (tasks.speech ?? tasks.dtmf);
      return {
        audio(frame) {
          if (mode !== 'dtmf') tasks.speech?.audio(frame);
        },
        dtmf(digit) {
          tasks.dtmf?.dtmf(digit);
        },
        finish() {
          active()?.finish();
        },
        reset() {
          mode = undefined;
          tasks.dtmf?.reset();
          tasks.speech?.reset();
        },
        cancel() {
          cancelled = true;
          tasks.dtmf?.cancel();
          tasks.speech?.cancel();
        },
      };
    },

    async interpret(job: InterpretJob): Promise<RecognitionOutcome> {
      const parts = split(job.grammars);
      if (parts.dtmf.length > 0) {
        const e = engineFor('dtmf', job.language);
        const r = await e.interpret?.({ ...job, grammars: parts.dtmf });
        if (r && r.match !== 'none') return r;
      }
      if (parts.speech.length > 0) {
        const e = engineFor('speech', job.language);
        if (e.interpret) return e.interpret({ ...job, grammars: parts.speech });
      }
      return { match: 'none', mode: 'speech', interpretations: [], input: job.text };
    },
  };
}
