/**
 * Schema pieces shared by the verbs: hooks (jambonz: a URL or path string, or an object with the
 * method and basic-auth credentials), synthesizer and recognizer options, SIP headers. Verb
 * objects are strict (a misspelt option is an error), vendor option objects pass unknown keys on.
 */
import { z } from 'zod';
import { Q850_TEXT, type Q850Cause } from '../q850.js';
import type { RecognizerSettings, SynthesizerSettings } from './verb-host.js';

const hookUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((s) => !/^[a-z][a-z0-9+.-]*:/i.test(s) || /^(https?|wss?):\/\//i.test(s), {
    message: 'must be a path or an http(s)/ws(s) URL',
  });

export const hookSchema = z.union([
  hookUrl,
  z.strictObject({
    url: hookUrl,
    method: z.enum(['POST', 'GET']).optional(),
    username: z.string().max(256).optional(),
    password: z.string().max(256).optional(),
  }),
]);
export type Hook = z.infer<typeof hookSchema>;

export const synthesizerSchema = z.looseObject({
  vendor: z.string().min(1).max(64).optional(),
  language: z.string().min(1).max(35).optional(),
  voice: z.string().min(1).max(128).optional(),
  rate: z.string().min(1).max(32).optional(),
  volume: z.string().min(1).max(32).optional(),
});
export type SynthesizerOptions = z.infer<typeof synthesizerSchema>;

export const recognizerSchema = z.looseObject({
  vendor: z.string().min(1).max(64).optional(),
  language: z.string().min(1).max(35).optional(),
  /** voicegate: one grammar URI (MRCP), e.g. `builtin:grammar/boolean`. */
  grammar: z.string().min(1).max(2048).optional(),
  grammars: z.array(z.string().min(1).max(2048)).max(16).optional(),
  hints: z.array(z.string().max(256)).max(500).optional(),
  confidenceThreshold: z.number().min(0).max(1).optional(),
  nBest: z.number().int().min(1).max(10).optional(),
});
export type RecognizerOptions = z.infer<typeof recognizerSchema>;

/** The synthesizer a capability gets: the verb's options over the session's. */
export function synthesizerSettings(
  session: SynthesizerOptions,
  own?: SynthesizerOptions,
): SynthesizerSettings {
  const m = { ...session, ...own };
  return pick(m, ['vendor', 'language', 'voice', 'rate', 'volume']);
}

/** The recognizer a capability gets: the verb's options over the session's; `grammar` joins `grammars`. */
export function recognizerSettings(session: RecognizerOptions, own?: RecognizerOptions): RecognizerSettings {
  const m = { ...session, ...own };
  const grammars = [...(m.grammar !== undefined ? [m.grammar] : []), ...(m.grammars ?? [])];
  return {
    ...pick(m, ['vendor', 'language', 'hints', 'confidenceThreshold', 'nBest']),
    ...(grammars.length > 0 ? { grammars } : {}),
  };
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Custom SIP headers: names are tokens, values one line. */
export const headersSchema = z.record(
  z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, 'not a SIP header name'),
  z
    .string()
    .max(1024)
    .regex(/^[^\r\n]*$/, 'header values are one line'),
);

export const dtmfMethodSchema = z.enum(['rfc4733', 'info', 'inband', 'auto']);

/** jambonz allows an `id` on every verb (echoed in verb:status). */
export const verbId = z.string().min(1).max(128).optional();

export const q850Schema = z
  .number()
  .int()
  .refine((n): n is Q850Cause => n in Q850_TEXT, {
    message: `must be a Q.850 cause voicegate knows (${Object.keys(Q850_TEXT).join(', ')})`,
  })
  .transform((n) => n as Q850Cause);

/** A prompt file: a name under the prompts folder (no remote fetch yet). */
export const promptFile = z
  .string()
  .min(1)
  .max(1024)
  .refine((s) => !/^[a-z][a-z0-9+.-]+:/i.test(s) || s.startsWith('file:'), {
    message: 'a prompt file name (remote audio URLs are not supported)',
  })
  .transform((s) => (s.startsWith('file:') ? decodeURIComponent(s.replace(/^file:(\/\/)?/, '')) : s));
