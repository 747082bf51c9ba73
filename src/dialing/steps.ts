/**
 * Dialing-plan steps as data (zod schemas; the YAML form is one single-key map per step, e.g.
 * `- sendDigits: { digits: "w{ext}", method: rfc4733 }`). Durations are milliseconds and every
 * wait has a bound.
 */
import { z } from 'zod';
import { DIGIT_TEMPLATE } from './digits.js';
import { PROMPT_LABELS } from './labels.js';

const ms = (min: number, max: number) => z.number().int().min(min).max(max);
const label = z.enum(PROMPT_LABELS);

export const DTMF_METHODS = ['rfc4733', 'info', 'inband'] as const;
export type DtmfMethod = (typeof DTMF_METHODS)[number];

/** Characters of a SIP URI user part (RFC 3261 §25.1 unreserved / user-unreserved) plus `{…}`. */
const URI_USER_TEMPLATE = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|\{number\}|\{ext\})+$/;
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9\-_.!%*+`'~]{0,63}$/;

export const waitForSchema = z
  .strictObject({
    event: z
      .enum(['early', 'answer', 'either'])
      .default('either')
      .describe('`early`: 183 with media (or answer); `answer`: 200 OK; `either`: whichever comes first.'),
    timeoutMs: ms(1000, 300_000)
      .optional()
      .describe("How long to wait (default: the trunk's timeouts.answerMs)."),
  })
  .describe('Wait for early media or the answer.');

export const pauseSchema = z.strictObject({ ms: ms(0, 60_000).describe('Pause length.') }).describe('Pause.');

export const waitPromptEndSchema = z
  .strictObject({
    mode: z
      .enum(['fixed', 'vad', 'fingerprint', 'keyword'])
      .describe(
        '`fixed` delay; `vad` speech then silence; `fingerprint` reference recording; `keyword` ASR phrases.',
      ),
    maxWaitMs: ms(500, 120_000).default(20_000).describe('Upper bound on the whole step.'),
    delayMs: ms(0, 120_000).optional().describe('`fixed`: the delay.'),
    silenceMs: ms(100, 10_000)
      .default(800)
      .describe('`vad` / `keyword`: silence after the prompt that ends it.'),
    minSpeechMs: ms(0, 10_000).default(300).describe('`vad`: shorter sounds are not the prompt.'),
    label: label.default('prompt').describe('`fingerprint` / `keyword`: which label is the prompt.'),
    afterMs: ms(0, 5000).default(200).describe('`fingerprint`: wait after the recording has played out.'),
    learn: z
      .boolean()
      .default(false)
      .describe('`vad`: remember the prompt heard, so a re-prompt is recognised.'),
    onTimeout: z
      .enum(['fail', 'continue'])
      .default('fail')
      .describe('At maxWaitMs: fail (no prompt) or go on.'),
    fallback: z.enum(['fail', 'vad']).default('fail').describe('When the mode is unavailable on this call.'),
  })
  .refine((s) => s.mode !== 'fixed' || (s.delayMs !== undefined && s.delayMs <= s.maxWaitMs), {
    message: '`fixed` needs delayMs, at most maxWaitMs',
    path: ['delayMs'],
  })
  .describe('Wait until the platform has finished its prompt.');

export const sendDigitsSchema = z
  .strictObject({
    digits: z
      .string()
      .min(1)
      .max(64)
      .regex(DIGIT_TEMPLATE, 'use 0-9 * # A-D, w (0.5 s), W (1 s) and {ext}')
      .default('{ext}')
      .describe('Digit template; `{ext}` is the extension.'),
    method: z
      .enum(['auto', ...DTMF_METHODS])
      .default('auto')
      .describe("`auto` follows the trunk's dtmf.methods."),
    toneMs: ms(40, 1000).default(100).describe('Tone length (Q.24: at least 40 ms).'),
    gapMs: ms(40, 2000).default(100).describe('Gap between digits.'),
    terminator: z.enum(['#', '*', '']).optional().describe("Sent after `{ext}` (default: the platform's)."),
  })
  .describe('Send DTMF digits.');

export const onRepromptSchema = z
  .strictObject({
    attempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .optional()
      .describe("Total sends (default: the platform's attempts)."),
    windowMs: ms(1000, 60_000).default(8000).describe('How long after sending to listen for a re-prompt.'),
    labels: z
      .array(label)
      .min(1)
      .max(6)
      .default(['prompt', 'invalid'])
      .describe('Labels that mean "re-prompt".'),
  })
  .describe('Resend when the prompt (or the "invalid" phrase) is heard again.');

export const verifyConnectSchema = z
  .strictObject({
    timeoutMs: ms(5000, 600_000).default(60_000).describe('Ringing longer than this is no answer.'),
    requireRingback: z.boolean().default(true).describe('Speech counts only after ringback tone or music.'),
    minSpeechMs: ms(0, 5000).default(300).describe('Shorter sounds are not the customer speaking.'),
    confirmMs: ms(0, 10_000)
      .optional()
      .describe(
        'Hold a "speech" verdict this long for a busy/no-answer phrase to overrule it (default 2000 when the platform has such phrases, else 0).',
      ),
    connectOnAnswer: z
      .boolean()
      .default(false)
      .describe('A 200 OK after the digits means the customer answered.'),
  })
  .describe('Ringback or music, then speech: the customer is on the line.');

export const dialExtensionSchema = z
  .strictObject({
    where: z
      .enum(['uriUser', 'header'])
      .describe('Put the extension in the Request-URI user part or a header.'),
    format: z
      .string()
      .max(100)
      .regex(URI_USER_TEMPLATE, 'URI user characters, {number} and {ext}')
      .default('{number},{ext}')
      .describe('`uriUser`: the user part.'),
    header: z
      .string()
      .regex(HEADER_NAME, 'a header name')
      .default('X-Extension')
      .describe('`header`: its name.'),
    value: z
      .string()
      .max(100)
      .regex(/^(?:[\x21-\x7e ]|\{ext\}|\{number\})+$/, 'printable ASCII, {number} and {ext}')
      .default('{ext}')
      .describe('`header`: its value.'),
  })
  .describe('Send the extension inside the INVITE (private trunks only).');

const stepShape = {
  dialExtension: dialExtensionSchema.optional(),
  waitFor: waitForSchema.optional(),
  pause: pauseSchema.optional(),
  waitPromptEnd: waitPromptEndSchema.optional(),
  sendDigits: sendDigitsSchema.optional(),
  onReprompt: onRepromptSchema.optional(),
  verifyConnect: verifyConnectSchema.optional(),
};
export type StepType = keyof typeof stepShape;
export const STEP_TYPES = Object.keys(stepShape) as StepType[];

type Bodies = { [K in StepType]: z.output<NonNullable<(typeof stepShape)[K]>> };
/** A validated step: its type and its fields with defaults filled in. */
export type Step = { [K in StepType]: { type: K } & Bodies[K] }[StepType];
export type StepOf<K extends StepType> = Extract<Step, { type: K }>;

export const stepSchema = z
  .strictObject(stepShape)
  .superRefine((s, ctx) => {
    const keys = Object.keys(s).filter((k) => s[k as StepType] !== undefined);
    if (keys.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          keys.length === 0
            ? `a step needs one of: ${STEP_TYPES.join(', ')}`
            : `one step per list item, got ${keys.join(' and ')}`,
      });
    }
  })
  .transform((s): Step => {
    const type = STEP_TYPES.find((k) => s[k] !== undefined)!;
    return { type, ...(s[type] as object) } as Step;
  });

/** Plan-level rules on the step order; returns [index, message] pairs. */
export function checkStepOrder(steps: readonly Step[]): [number, string][] {
  const problems: [number, string][] = [];
  let i = 0;
  while (i < steps.length && steps[i]!.type === 'dialExtension') i++;
  if (steps[i]?.type !== 'waitFor') problems.push([i, 'the first step after dialExtension must be waitFor']);
  let sent = false;
  let reprompts = 0;
  steps.forEach((s, j) => {
    if (s.type === 'dialExtension' && j > 0 && steps[j - 1]!.type !== 'dialExtension') {
      problems.push([j, 'dialExtension steps come first (they shape the INVITE)']);
    }
    if (s.type === 'sendDigits') sent = true;
    if (s.type === 'onReprompt') {
      if (!sent) problems.push([j, 'onReprompt needs a sendDigits before it']);
      if (++reprompts > 1) problems.push([j, 'one onReprompt per plan']);
    }
    if (s.type === 'verifyConnect' && j !== steps.length - 1)
      problems.push([j, 'verifyConnect must be the last step']);
  });
  return problems;
}
