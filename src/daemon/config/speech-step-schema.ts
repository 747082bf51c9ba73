/**
 * The speech steps of config applications (`say`, `gather`), shaped after jambonz's verbs as the
 * call layer's SaySpec/GatherSpec: spoken by the MRCP client's server (the built-in espeak-ng and
 * PocketSphinx engines by default). Bounded: text 64 KiB, 16 grammars of 64 KiB each.
 */
import { z } from 'zod';
import type { GatherSpec, GrammarRef, SaySpec, SynthesizerOptions } from '../../call/index.js';

const seconds = z.number().min(0).max(600);
const tag = z.string().min(1).max(35);
const pool = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/);
const text = z
  .string()
  .min(1)
  .max(64 << 10)
  .describe('Plain text, or SSML (starting `<speak`); `{var}` takes a call variable.');

const synthFields = {
  text,
  voice: z.string().min(1).max(64).optional().describe('Voice-Name.'),
  language: tag.optional().describe('Speech-Language (BCP 47).'),
  vendor: pool.optional().describe('MRCP client pool (default: the first, the built-in server).'),
};

const grammar = z.union([
  z
    .string()
    .min(1)
    .max(2048)
    .describe('Grammar URI, e.g. builtin:grammar/boolean, builtin:dtmf/digits?length=4.'),
  z.strictObject({
    body: z
      .string()
      .min(1)
      .max(64 << 10),
    contentType: z.enum(['application/srgs+xml', 'application/srgs']),
  }),
]);

export const sayStepSchema = z.strictObject({
  say: z.strictObject({
    ...synthFields,
    loop: z.number().int().min(1).max(10).default(1),
    dtmfBargein: z.boolean().default(false).describe('A digit stops the prompt.'),
  }),
});

export const gatherStepSchema = z.strictObject({
  gather: z.strictObject({
    input: z
      .array(z.enum(['digits', 'speech']))
      .min(1)
      .max(2)
      .default(['digits']),
    numDigits: z.number().int().min(1).max(64).optional(),
    minDigits: z.number().int().min(1).max(64).optional(),
    maxDigits: z.number().int().min(1).max(64).optional(),
    finishOnKey: z
      .string()
      .regex(/^[0-9*#]$/)
      .optional(),
    timeout: seconds.default(5).describe('Seconds of silence after the prompt.'),
    interDigitTimeout: seconds.optional(),
    bargein: z.boolean().default(true).describe('Caller speech stops the prompt.'),
    dtmfBargein: z.boolean().optional(),
    say: z.strictObject(synthFields).optional().describe('Prompt spoken while gathering.'),
    play: z
      .strictObject({ file: z.string().min(1).max(1024) })
      .optional()
      .describe('Prompt file played while gathering.'),
    grammars: z.array(grammar).max(16).optional().describe('Recognizer grammars (needed for speech).'),
    language: tag.optional().describe('Speech-Language of the recognizer.'),
    vendor: pool.optional(),
    confidenceThreshold: z.number().min(0).max(1).optional(),
  }),
});

type SayInput = z.output<typeof sayStepSchema>['say'];
type GatherInput = z.output<typeof gatherStepSchema>['gather'];

function synthesizer(s: { voice?: string; language?: string; vendor?: string }): SynthesizerOptions {
  return {
    ...(s.voice ? { voice: s.voice } : {}),
    ...(s.language ? { language: s.language } : {}),
    ...(s.vendor ? { vendor: s.vendor } : {}),
  };
}

export function toSayStep(s: SayInput): SaySpec {
  return { type: 'say', text: s.text, synthesizer: synthesizer(s), loop: s.loop, dtmfBargein: s.dtmfBargein };
}

export function toGatherStep(g: GatherInput): GatherSpec {
  const grammars: GrammarRef[] = (g.grammars ?? []).map((x) => (typeof x === 'string' ? { uri: x } : x));
  const { say, play, language, vendor, confidenceThreshold, grammars: _, ...rest } = g;
  return {
    type: 'gather',
    ...rest,
    ...(say ? { say: { text: say.text, synthesizer: synthesizer(say) } } : {}),
    ...(play ? { play } : {}),
    recognizer: {
      grammars,
      ...(language ? { language } : {}),
      ...(vendor ? { vendor } : {}),
      ...(confidenceThreshold !== undefined ? { confidenceThreshold } : {}),
    },
  };
}
