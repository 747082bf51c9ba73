/**
 * Built-in DTMF recognizer (RFC 6787 §9 with DTMF input): keys matched exactly against
 * `builtin:dtmf/digits` (length, minlength, maxlength), `builtin:dtmf/boolean` and SRGS DTMF
 * grammars in XML and ABNF form. The grammar compilers are the merged ones of the test engine
 * set (`../test/dtmf-grammar.ts`, `../test/dtmf-abnf.ts`: bounded NFAs; recursion and oversized
 * grammars fail to compile). The machine owns the interdigit/term timers and the term char; this
 * engine reports after each key whether the keys so far cannot match, are a prefix, a complete
 * match that may go on, or one that cannot.
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
import { compileDtmfGrammar } from '../test/dtmf-compile.js';
import type { DtmfMatcher, DtmfState } from '../test/dtmf-grammar.js';

export interface DtmfRecognizerOptions {
  name?: string;
  languages?: string[];
}

/** Keys kept per recognition (a DTMF grammar longer than this cannot be keyed anyway). */
const MAX_KEYS = 256;
const RANK: Record<DtmfState, number> = { none: 0, partial: 1, complete: 2, final: 3 };

/** Compiles DTMF grammars; a voice grammar or an unknown builtin is an error here. */
export function compileDtmfGrammars(grammars: readonly GrammarSource[]): DtmfMatcher[] {
  const out: DtmfMatcher[] = [];
  for (const g of grammars) {
    const m = compileDtmfGrammar(g);
    if (!m) throw new EngineError('grammar-compilation-failure', `${g.ref}: not a DTMF grammar`);
    out.push(m);
  }
  return out;
}

/** The best state of `keys` over the grammars, and the grammar giving it. */
function best(matchers: readonly DtmfMatcher[], keys: string): { m?: DtmfMatcher; s: DtmfState } {
  let r: { m?: DtmfMatcher; s: DtmfState } = { s: 'none' };
  for (const m of matchers) {
    const s = m.state(keys);
    if (RANK[s] > RANK[r.s]) r = { m, s };
  }
  return r;
}

/** The outcome for `keys` (NLSML input mode="dtmf", keys space-separated as §9.6 shows). */
export function dtmfOutcome(matchers: readonly DtmfMatcher[], keys: string): RecognitionOutcome {
  const input = keys.split('').join(' ');
  const b = best(matchers, keys);
  if (keys === '' || !b.m || b.s === 'none')
    return { match: 'none', mode: 'dtmf', interpretations: [], input };
  const complete = b.s === 'complete' || b.s === 'final';
  return {
    match: complete ? 'complete' : 'partial',
    mode: 'dtmf',
    input,
    interpretations: [
      {
        grammar: b.m.ref,
        confidence: 1,
        instance: complete ? b.m.instanceOf(keys) : keys,
        input,
        mode: 'dtmf',
      },
    ],
  };
}

export function createDtmfRecognizer(opts: DtmfRecognizerOptions = {}): RecognizerEngine {
  return {
    kind: 'recognizer',
    name: opts.name ?? 'builtin-dtmf',
    languages: opts.languages ?? ['*'],

    async defineGrammar(g) {
      compileDtmfGrammars([g]);
    },

    async recognize(job: RecognizeJob, listener: RecognitionListener): Promise<RecognizerTask> {
      const matchers = compileDtmfGrammars(job.grammars);
      let keys = '';
      let cancelled = false;
      return {
        audio() {},
        dtmf(digit) {
          if (cancelled || keys.length >= MAX_KEYS || !/^[0-9*#A-Da-d]$/.test(digit)) return;
          keys += digit.toUpperCase();
          listener.startOfInput('dtmf');
          listener.dtmfState(best(matchers, keys).s);
        },
        finish() {
          if (cancelled) return;
          const outcome = dtmfOutcome(matchers, keys);
          queueMicrotask(() => {
            if (!cancelled) listener.result(outcome);
          });
        },
        reset() {
          keys = '';
        },
        cancel() {
          cancelled = true;
        },
      };
    },

    async interpret(job: InterpretJob): Promise<RecognitionOutcome> {
      const keys = job.text.replace(/\s+/g, '').toUpperCase();
      if (!/^[0-9*#A-D]*$/.test(keys))
        return { match: 'none', mode: 'dtmf', interpretations: [], input: job.text };
      return dtmfOutcome(compileDtmfGrammars(job.grammars), keys);
    },
  };
}
