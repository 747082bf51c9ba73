/**
 * A satisfaction survey as a voicegate application: several rounds, each a prompt plus a `gather`
 * of digits and/or speech; answers map to result values by rule expressions (expr.ts); no-input
 * and no-match are retried; the final result is posted to a result webhook. This file is the
 * pure logic (definition → verbs, gather payload → next verbs); server.ts serves it over HTTP.
 */
import { z } from 'zod';
import { compile, type Context } from './expr.js';

const roundSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  prompt: z.string().min(1).max(2000),
  input: z.array(z.enum(['digits', 'speech'])).min(1),
  numDigits: z.number().int().min(1).max(20).default(1),
  grammar: z.string().optional(),
  timeoutSeconds: z.number().min(1).max(60).default(6),
  answers: z.array(z.strictObject({ when: z.string().min(1), value: z.string().min(1) })).min(1),
  retries: z.number().int().min(0).max(5).default(2),
  noInput: z.string().default('Sorry, I did not hear anything.'),
  noMatch: z.string().default('Sorry, I did not understand that.'),
});

export const surveySchema = z.strictObject({
  name: z.string().min(1),
  language: z.string().default('en-US'),
  resultHook: z.string().url().optional(),
  greeting: z.string().optional(),
  goodbye: z.string().default('Thank you for your time. Goodbye.'),
  rounds: z.array(roundSchema).min(1).max(20),
});

export type SurveyDefinition = z.output<typeof surveySchema>;

export interface GatherPayload {
  reason?: string;
  digits?: string;
  speech?: {
    alternatives?: { transcript?: string; confidence?: number; interpretation?: unknown }[];
  };
}

/** Why an attempt gave no value: nothing heard (timeout) or heard but no rule matched. */
export type Miss = 'no-input' | 'no-match';

export interface RoundAnswer {
  value: string | null;
  digits?: string;
  speech?: string;
  confidence?: number;
  /** Attempts made (1 when the first answer counted). */
  attempts: number;
  /** The reason of each attempt that gave no value, in order. */
  misses: Miss[];
}

export interface SurveyResult {
  survey: string;
  call_sid: string;
  from?: string;
  to?: string;
  completed: boolean;
  answers: Record<string, string | null>;
  details: Record<string, RoundAnswer>;
}

export type Verb = Record<string, unknown>;

/** Bounds the misses kept per round (retries are at most 5, attempts come from the hook URL). */
const MAX_MISSES = 8;

interface CompiledRound {
  def: SurveyDefinition['rounds'][number];
  rules: { test: (c: Context) => boolean; value: string }[];
}

/** Validates a definition and compiles its rules (a bad rule names the round and the position). */
export function loadSurvey(raw: unknown): { def: SurveyDefinition; rounds: CompiledRound[] } {
  const def = surveySchema.parse(raw);
  const rounds = def.rounds.map((r) => ({
    def: r,
    rules: r.answers.map((a, i) => {
      try {
        return { test: compile(a.when), value: a.value };
      } catch (err) {
        throw new Error(`survey ${def.name}, round ${r.id}, answer ${i + 1}: ${(err as Error).message}`);
      }
    }),
  }));
  return { def, rounds };
}

export class SurveyRun {
  private readonly details: Record<string, RoundAnswer> = {};
  private readonly misses: Record<string, Miss[]> = {};
  private finished = false;

  constructor(
    private readonly survey: { def: SurveyDefinition; rounds: CompiledRound[] },
    readonly callSid: string,
    private readonly call: { from?: string; to?: string },
    private readonly hookBase: string,
  ) {}

  get done(): boolean {
    return this.finished;
  }

  /** Verbs for the start of the call. */
  start(): Verb[] {
    const greet: Verb[] = this.survey.def.greeting ? [{ verb: 'say', text: this.survey.def.greeting }] : [];
    return [...greet, this.gather(0, 1, undefined)];
  }

  /** The gather of round `index` ended with `payload`: the next verbs, and the result when done. */
  answer(index: number, attempt: number, payload: GatherPayload): { verbs: Verb[]; result?: SurveyResult } {
    const round = this.survey.rounds[index];
    if (!round || this.finished) return { verbs: [{ verb: 'hangup' }] };
    const top = payload.speech?.alternatives?.[0];
    const transcript = top?.transcript?.trim();
    const confidence = top?.confidence;
    // The recognizer's noMatch is speech heard outside the grammar: a no-match, not a no-input.
    const heard = Boolean(payload.digits) || Boolean(transcript) || payload.reason === 'noMatch';
    const ctx: Context = {
      digits: payload.digits,
      speech: transcript,
      confidence,
      interpretation: typeof top?.interpretation === 'string' ? top.interpretation : undefined,
      reason: payload.reason,
      attempt,
    };
    const value = heard ? (round.rules.find((r) => r.test(ctx))?.value ?? null) : null;
    const misses = (this.misses[round.def.id] ??= []);
    if (value === null && misses.length < MAX_MISSES) misses.push(heard ? 'no-match' : 'no-input');
    this.details[round.def.id] = {
      value,
      ...(payload.digits ? { digits: payload.digits } : {}),
      ...(transcript ? { speech: transcript } : {}),
      ...(confidence !== undefined ? { confidence } : {}),
      attempts: attempt,
      misses: [...misses],
    };
    if (value === null && attempt <= round.def.retries) {
      return { verbs: [this.gather(index, attempt + 1, heard ? round.def.noMatch : round.def.noInput)] };
    }
    if (index + 1 < this.survey.rounds.length) return { verbs: [this.gather(index + 1, 1, undefined)] };
    return {
      verbs: [{ verb: 'say', text: this.survey.def.goodbye }, { verb: 'hangup' }],
      result: this.result(true),
    };
  }

  /** The result so far (posted when the caller hangs up before the end). */
  result(completed: boolean): SurveyResult {
    this.finished = true;
    const answers: Record<string, string | null> = {};
    for (const r of this.survey.rounds) answers[r.def.id] = this.details[r.def.id]?.value ?? null;
    return {
      survey: this.survey.def.name,
      call_sid: this.callSid,
      ...(this.call.from ? { from: this.call.from } : {}),
      ...(this.call.to ? { to: this.call.to } : {}),
      completed,
      answers,
      details: { ...this.details },
    };
  }

  private gather(index: number, attempt: number, preface: string | undefined): Verb {
    const r = this.survey.rounds[index]!.def;
    const text = preface ? `${preface} ${r.prompt}` : r.prompt;
    return {
      verb: 'gather',
      input: r.input,
      actionHook: `${this.hookBase}/answer?round=${index}&attempt=${attempt}`,
      timeout: r.timeoutSeconds,
      bargein: true,
      ...(r.input.includes('digits') ? { numDigits: r.numDigits } : {}),
      ...(r.input.includes('speech')
        ? { recognizer: { language: this.survey.def.language, ...(r.grammar ? { grammar: r.grammar } : {}) } }
        : {}),
      say: { text },
    };
  }
}
