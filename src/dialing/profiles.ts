/**
 * Carrier (trunk) profiles, platform profiles and named plans: the YAML documents in the
 * profiles folder, one per file, told apart by `kind`. Schemas are the single source of keys,
 * defaults and documentation (docs/handoffs/dialing.md lists them).
 */
import { z } from 'zod';
import { PROMPT_LABELS } from './labels.js';
import { NUMBER_STYLES } from './number-format.js';
import { checkStepOrder, DTMF_METHODS, stepSchema } from './steps.js';

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, . _ - (at most 64)')
  .describe('Unique name within its kind.');
const description = z.string().max(500).optional().describe('Free text for operators.');
const ms = (min: number, max: number) => z.number().int().min(min).max(max);

const steps = z
  .array(stepSchema)
  .min(1)
  .max(32)
  .superRefine((list, ctx) => {
    for (const [index, message] of checkStepOrder(list))
      ctx.addIssue({ code: 'custom', message, path: [index] });
  });

export const planSchema = z
  .strictObject({
    kind: z.literal('plan'),
    name,
    description,
    maxDurationMs: ms(10_000, 900_000)
      .default(180_000)
      .describe('Bound on the whole plan, from the INVITE on.'),
    steps: steps.describe('The steps, in order.'),
  })
  .describe('A named dialing plan that platforms refer to.');

const regex = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

const labelled = <T extends z.ZodType>(item: T) =>
  z.strictObject(
    Object.fromEntries(PROMPT_LABELS.map((l) => [l, item.optional()])) as Record<
      (typeof PROMPT_LABELS)[number],
      z.ZodOptional<T>
    >,
  );

export const platformSchema = z
  .strictObject({
    kind: z.literal('platform'),
    name,
    description,
    fallback: z
      .boolean()
      .default(false)
      .describe('The generic platform used when no other matches X (exactly one).'),
    match: z
      .strictObject({
        prefixes: z
          .array(z.string().regex(/^[0-9]{1,12}$/, 'digits of the national form, e.g. "170"'))
          .max(1000)
          .default([])
          .describe('X prefixes (national form) this platform owns; the longest match wins.'),
        patterns: z.array(regex).max(100).default([]).describe('Regular expressions on X (national form).'),
        kinds: z
          .array(z.enum(['mobile', 'landline']))
          .min(1)
          .default(['mobile', 'landline'])
          .describe('Number kinds it owns.'),
      })
      .prefault({})
      .describe('Which X numbers belong to this platform.'),
    extension: z
      .strictObject({
        minLength: z.number().int().min(1).max(8).default(1),
        maxLength: z.number().int().min(1).max(8).default(4),
        required: z.boolean().default(true).describe('A number without extension is refused.'),
      })
      .prefault({})
      .refine((e) => e.minLength <= e.maxLength, {
        message: 'minLength above maxLength',
        path: ['minLength'],
      })
      .describe('Extension length (fixed per application on some platforms).'),
    terminator: z.enum(['#', '*', '']).default('#').describe('Sent after the extension.'),
    attempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .describe('Sends before a re-prompt means invalid_extension.'),
    recordings: labelled(z.array(z.string().min(1).max(500)).min(1).max(8))
      .prefault({})
      .describe('Reference WAV files per label (relative to this file) for fingerprint detection.'),
    keywords: labelled(z.array(z.string().min(1).max(100)).min(1).max(32))
      .prefault({})
      .describe('Phrases per label for keyword detection (an MRCP recognizer).'),
    plan: z.union([name, steps]).describe('A plan name, or the steps inline.'),
  })
  .describe('A privacy-number platform: its numbers, extension rules, prompts and plan.');

export const trunkSchema = z
  .strictObject({
    kind: z.literal('trunk'),
    name,
    description,
    numberFormat: z
      .strictObject({
        style: z
          .enum(NUMBER_STYLES)
          .default('national')
          .describe('e164 (+86…), e164-digits (86…), international (0086…), national.'),
        landlineZero: z
          .enum(['keep', 'strip'])
          .default('keep')
          .describe("National style: a landline's leading 0."),
        mobileZero: z.boolean().default(false).describe('National style: a 0 before mobiles.'),
        prefix: z
          .string()
          .regex(/^[0-9*#]{0,8}$/)
          .default('')
          .describe('Dialled before the number.'),
      })
      .prefault({})
      .describe('How X goes into the Request-URI.'),
    callerId: z
      .strictObject({
        header: z
          .enum(['from', 'pai', 'both'])
          .default('from')
          .describe('From, P-Asserted-Identity, or both.'),
        number: z
          .string()
          .regex(/^\+?[0-9]{3,20}$/)
          .optional()
          .describe('Default caller number.'),
      })
      .prefault({}),
    codecs: z
      .array(z.enum(['PCMA', 'PCMU', 'G722']))
      .min(1)
      .max(3)
      .default(['PCMA', 'PCMU'])
      .describe('Offer order (PCMA first in China).'),
    telephoneEvent: z
      .strictObject({
        payloadType: z.number().int().min(96).max(127).default(101),
        events: z
          .string()
          .regex(/^\d{1,3}(-\d{1,3})?(,\d{1,3}(-\d{1,3})?)*$/)
          .default('0-15'),
      })
      .prefault({})
      .describe('RFC 4733 telephone-event offer.'),
    rel100: z
      .enum(['none', 'supported', 'required'])
      .default('supported')
      .describe('RFC 3262 reliable provisionals.'),
    sessionTimer: z
      .strictObject({
        enabled: z.boolean().default(true),
        seconds: z.number().int().min(90).max(7200).default(1800),
      })
      .prefault({})
      .describe('RFC 4028 session timer.'),
    optionsIntervalS: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .default(30)
      .describe('OPTIONS keepalive period (0: off).'),
    dtmf: z
      .strictObject({
        methods: z
          .array(z.enum(DTMF_METHODS))
          .min(1)
          .max(3)
          .default(['rfc4733', 'inband'])
          .refine((m) => new Set(m).size === m.length, { message: 'a method listed twice' })
          .describe('Order tried by sendDigits method auto.'),
        infoContentType: z
          .enum(['application/dtmf-relay', 'application/dtmf'])
          .default('application/dtmf-relay'),
      })
      .prefault({}),
    timeouts: z
      .strictObject({
        answerMs: ms(1000, 300_000).default(60_000).describe('Default waitFor timeout.'),
      })
      .prefault({}),
    extensionInRequest: z
      .boolean()
      .default(false)
      .describe('Accepts the extension in the URI or a header (dialExtension steps).'),
    limits: z
      .strictObject({
        maxConcurrentCalls: z.number().int().min(1).max(10_000).default(30),
        callsPerSecond: z.number().min(0.1).max(1000).default(5),
        queueSize: z.number().int().min(0).max(10_000).default(100),
      })
      .prefault({})
      .describe('Origination limits (used by the call manager).'),
  })
  .describe('A carrier SIP trunk.');

export type PlanProfile = z.output<typeof planSchema>;
export type PlatformProfile = z.output<typeof platformSchema>;
export type TrunkProfile = z.output<typeof trunkSchema>;

export const PROFILE_KINDS = { plan: planSchema, platform: platformSchema, trunk: trunkSchema } as const;
export type ProfileKind = keyof typeof PROFILE_KINDS;
