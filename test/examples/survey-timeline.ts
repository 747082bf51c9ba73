/**
 * When a survey caller answers: each answer is placed from the prompts' lengths as espeak-ng says
 * them (the engine the built-in synthesizer runs) — digits in the middle of their prompt (they
 * barge in), speech just after its prompt (the survey then waits `timeoutSeconds`; earlier speech
 * barges in too) — so small timing errors stay well inside each gather.
 */
import { espeakPcm } from '../mrcp/engines/builtin/speech-helpers.js';
import type { SurveyDefinition } from '../../examples/survey/survey.js';
import type { CallerEvent } from './caller-timeline.js';

export interface CallerScript {
  events: CallerEvent[];
  /** Length of the caller's stream (it outlasts the goodbye). */
  totalMs: number;
}

/** How long espeak-ng takes to say `text`, ms. */
export const spokenMs = (text: string): number => (espeakPcm(text, 8000).length / 8000) * 1000;

/** Slack between the answer of one round and the start of the next one's prompt, measured ≈ 1.1 s. */
const RECOGNIZED_MS = 1200;
/** Speech starts this long after its prompt ends. */
const AFTER_PROMPT_MS = 500;
/** Digits come this far into a digits-only prompt. */
const DIGIT_INTO_PROMPT_MS = 2500;

function rounds(def: SurveyDefinition) {
  const [r1, r2, r3] = def.rounds;
  if (!r1 || !r2 || !r3) throw new Error('the scripts expect three rounds');
  return { r1, r2, r3, greeting: def.greeting ? spokenMs(def.greeting) : 0 };
}

/** Round 1 "1", round 2 silent once (no-input, retried) then "2", round 3 `score`. */
export function dtmfScript(def: SurveyDefinition, score = '4'): CallerScript {
  const { r1, r2, greeting } = rounds(def);
  const d1 = greeting + 0.5 * spokenMs(r1.prompt) + 800;
  const d2 =
    d1 + spokenMs(r2.prompt) + r2.timeoutSeconds * 1000 + 0.5 * spokenMs(`${r2.noInput} ${r2.prompt}`);
  const d3 = d2 + DIGIT_INTO_PROMPT_MS;
  return {
    events: [
      { atMs: d1, digit: '1' },
      { atMs: d2, digit: '2' },
      { atMs: d3, digit: score },
    ],
    totalMs: d3 + 10_000,
  };
}

/** Round 1 "yes", round 2 out-of-grammar words (no-match, retried) then "no", round 3 `score` by DTMF. */
export function speechScript(def: SurveyDefinition, score = '3'): CallerScript {
  const { r1, r2, greeting } = rounds(def);
  const yes = espeakPcm('yes', 8000);
  const junk = espeakPcm('purple elephant umbrella', 8000);
  const no = espeakPcm('no', 8000);
  const len = (p: Int16Array): number => p.length / 8;
  const s1 = greeting + spokenMs(r1.prompt) + AFTER_PROMPT_MS + 500;
  const s2 = s1 + len(yes) + RECOGNIZED_MS + spokenMs(r2.prompt) + AFTER_PROMPT_MS;
  const s3 = s2 + len(junk) + RECOGNIZED_MS + spokenMs(`${r2.noMatch} ${r2.prompt}`) + AFTER_PROMPT_MS;
  const d4 = s3 + len(no) + RECOGNIZED_MS + DIGIT_INTO_PROMPT_MS;
  return {
    events: [
      { atMs: s1, speech: yes },
      { atMs: s2, speech: junk },
      { atMs: s3, speech: no },
      { atMs: d4, digit: score },
    ],
    totalMs: d4 + 10_000,
  };
}
