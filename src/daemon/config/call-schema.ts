/**
 * Config keys of media and calls: the media pipeline (`media`), per-trunk media options, routes
 * from trunk and called number to applications, and the applications themselves (step lists).
 * The defaults make a fresh install answer calls from loopback with the demo application.
 */
import { z } from 'zod';
import { CODEC_IDS, type CodecId } from '../../sdp/index.js';
import {
  DEFAULT_TRUNK_MEDIA,
  type AppSpec,
  type RouteSpec,
  type StepSpec,
  type TrunkMedia,
  type Q850Cause,
  type VerbsAppConfig,
  Q850_TEXT,
  validateVerbs,
} from '../../call/index.js';
import { gatherStepSchema, sayStepSchema, toGatherStep, toSayStep } from './speech-step-schema.js';

const codecId = z.enum(CODEC_IDS as [CodecId, ...CodecId[]]);
const ms = (max: number) => z.number().int().min(0).max(max);
const dtmfMethod = z.enum(['auto', 'rfc4733', 'info', 'inband']);
const digits = z
  .string()
  .regex(/^([0-9*#A-Da-d]|\{[A-Za-z0-9_]+\})+$/, 'DTMF keys 0-9 * # A-D, or {variable}');

const mediaFields = {
  codecs: z
    .array(codecId)
    .min(1)
    .max(5)
    .describe('Codec preference, first preferred (PCMA, PCMU, G722, L16/8000, L16/16000).'),
  codecOrder: z
    .enum(['local', 'remote'])
    .describe('Whose codec order decides an answer: ours (`local`) or the offerer’s.'),
  ptime: z
    .union([z.literal(10), z.literal(20), z.literal(30), z.literal(40), z.literal(60)])
    .describe('Packetisation we ask to receive, ms.'),
  telephoneEvent: z.boolean().describe('Offer and accept RFC 4733 telephone-event.'),
  dtmfMethod: dtmfMethod.describe(
    'How digits are sent: rfc4733, info (SIP INFO), inband (tones), or auto (RFC 4733 when negotiated, else in-band).',
  ),
  infoContentType: z
    .enum(['application/dtmf-relay', 'application/dtmf'])
    .describe('Body type of the INFO requests we send digits in.'),
  earlyMedia: z
    .boolean()
    .describe('Play before the answer (183 with SDP) when an application plays before `answer`.'),
  rtcpMux: z.enum(['offer', 'accept', 'off']).describe('RFC 5761 RTP/RTCP multiplexing.'),
};

/** Per-trunk media: every key optional (unset keys come from `calls.defaultMedia`). */
export const trunkMediaShape = {
  codecs: mediaFields.codecs.optional(),
  codecOrder: mediaFields.codecOrder.optional(),
  ptime: mediaFields.ptime.optional(),
  telephoneEvent: mediaFields.telephoneEvent.optional(),
  dtmfMethod: mediaFields.dtmfMethod.optional(),
  infoContentType: mediaFields.infoContentType.optional(),
  earlyMedia: mediaFields.earlyMedia.optional(),
  rtcpMux: mediaFields.rtcpMux.optional(),
};

const trunkMediaSchema = z.strictObject(trunkMediaShape);

const stepSchema = z.union([
  z.strictObject({ answer: z.strictObject({}).prefault({}) }),
  z.strictObject({ ring: z.strictObject({ ms: ms(600_000).default(0) }).prefault({}) }),
  z.strictObject({
    play: z.strictObject({
      file: z.string().min(1).max(1024).describe('WAV file, relative to media.promptsDir.'),
      bargeIn: z.boolean().default(true),
    }),
  }),
  z.strictObject({
    collectDigits: z
      .strictObject({
        maxDigits: z.number().int().min(1).max(64).default(16),
        terminator: z
          .string()
          .regex(/^[*#]?$/)
          .default('#'),
        firstDigitTimeoutMs: ms(600_000).default(5000),
        interDigitTimeoutMs: ms(600_000).default(3000),
        into: z
          .string()
          .regex(/^[A-Za-z0-9_]+$/)
          .default('digits'),
      })
      .prefault({}),
  }),
  z.strictObject({
    sendDigits: z.strictObject({
      digits,
      method: dtmfMethod.optional(),
      toneMs: z.number().int().min(40).max(1000).default(100),
      gapMs: z.number().int().min(20).max(5000).default(100),
    }),
  }),
  z.strictObject({
    record: z
      .strictObject({
        file: z.string().min(1).max(1024).default('{callId}.wav'),
        mode: z.enum(['received', 'sent', 'mixed', 'stereo']).default('mixed'),
        maxMs: z.number().int().min(100).max(14_400_000).default(60_000),
        stopOnDigit: z.boolean().default(true),
      })
      .prefault({}),
  }),
  z.strictObject({ pause: z.strictObject({ ms: ms(600_000) }) }),
  z.strictObject({
    hangup: z.strictObject({ cause: z.number().int().min(1).max(127).default(16) }).prefault({}),
  }),
  sayStepSchema,
  gatherStepSchema,
]);

type StepInput = z.output<typeof stepSchema>;

/** The config's single-key step maps as the call layer's StepSpec. */
export function toStepSpec(s: StepInput): StepSpec {
  if ('answer' in s) return { type: 'answer' };
  if ('ring' in s) return { type: 'ring', ms: s.ring.ms };
  if ('play' in s) return { type: 'play', ...s.play };
  if ('collectDigits' in s) return { type: 'collectDigits', ...s.collectDigits };
  if ('sendDigits' in s) return { type: 'sendDigits', ...s.sendDigits, method: s.sendDigits.method };
  if ('record' in s) return { type: 'record', ...s.record };
  if ('pause' in s) return { type: 'pause', ms: s.pause.ms };
  if ('say' in s) return toSayStep(s.say);
  if ('gather' in s) return toGatherStep(s.gather);
  return { type: 'hangup', cause: s.hangup.cause };
}

const httpUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\//, 'an http:// or https:// URL');

const applicationSchema = z.union([
  z.strictObject({
    webhook: httpUrl.describe('URL POSTed (or GET) with the call; its JSON reply is the verb list.'),
    method: z.enum(['POST', 'GET']).optional().describe('HTTP method of the webhook (default POST).'),
  }),
  z.strictObject({
    websocket: z
      .string()
      .max(2048)
      .regex(/^wss?:\/\//, 'a ws:// or wss:// URL')
      .describe('WebSocket URL (jambonz envelope: session:new, ack, verb:hook, command...).'),
  }),
  z.strictObject({
    verbs: z
      .array(z.unknown())
      .min(1)
      .max(200)
      .superRefine((verbs, ctx) => {
        const r = validateVerbs(verbs);
        if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
      })
      .describe('An inline verb list (checked at load).'),
  }),
]);

const appSchema = z
  .strictObject({
    steps: z
      .array(stepSchema)
      .min(1)
      .max(64)
      .optional()
      .describe('A step application: what it does, in order (or `application`).'),
    application: applicationSchema
      .optional()
      .describe('A verbs application: `{webhook}`, `{websocket}` or `{verbs: [...]}` (or `steps`).'),
    secret: z
      .string()
      .min(16)
      .max(256)
      .optional()
      .describe('HMAC key of the `voicegate-signature` header on requests to the application.'),
    statusHook: z
      .string()
      .max(2048)
      .optional()
      .describe('Webhook applications: where call:status changes are posted (relative to the webhook).'),
    webhookTimeoutSeconds: z
      .number()
      .min(0.1)
      .max(60)
      .default(5)
      .describe('Longest wait for a webhook reply.'),
    ackTimeoutSeconds: z
      .number()
      .min(0.1)
      .max(60)
      .default(5)
      .describe('WebSocket applications: longest wait for the ack of session:new.'),
    fallback: z
      .strictObject({
        prompt: z
          .string()
          .min(1)
          .optional()
          .describe('Prompt played before hanging up (default error.wav; "" for none).'),
        cause: z
          .number()
          .int()
          .refine((c) => c in Q850_TEXT, 'a Q.850 cause voicegate knows')
          .default(41)
          .describe('Q.850 cause of the hang-up.'),
      })
      .prefault({})
      .describe('What a call gets when its verbs application is down, slow, invalid or gone.'),
    maxDurationSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(3600)
      .describe('Calls are hung up after this.'),
  })
  .refine((a) => (a.steps === undefined) !== (a.application === undefined), {
    message: 'an application has either `steps` or `application`',
  });

const DEMO_APP = {
  steps: [
    { answer: {} },
    { play: { file: 'welcome.wav', bargeIn: true } },
    {
      collectDigits: {
        maxDigits: 8,
        terminator: '#',
        firstDigitTimeoutMs: 5000,
        interDigitTimeoutMs: 3000,
        into: 'digits',
      },
    },
    { play: { file: 'goodbye.wav', bargeIn: false } },
    { hangup: { cause: 16 } },
  ],
  maxDurationSeconds: 300,
} satisfies z.input<typeof appSchema>;

const routeSchema = z.strictObject({
  trunk: z.string().min(1).optional().describe('Only calls from this trunk.'),
  calledPrefix: z.string().max(64).optional().describe('Called number starts with this.'),
  calledPattern: z
    .string()
    .max(256)
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'must be a regular expression')
    .optional()
    .describe('Called number matches this regular expression (whole number).'),
  app: z.string().min(1).describe('Application to run (a key of calls.apps).'),
});

export const mediaSchema = z
  .strictObject({
    rate: z
      .union([z.literal(8000), z.literal(16000)])
      .default(8000)
      .describe('PCM rate applications work at (prompts, recordings, detection): 8000 or 16000.'),
    promptsDir: z
      .string()
      .min(1)
      .optional()
      .describe('Folder of prompt files for relative `play` names; default the package’s `prompts` folder.'),
    recordingsDir: z
      .string()
      .min(1)
      .default('/var/lib/voicegate/recordings')
      .describe('Folder of recordings for relative `record` names.'),
    inactivityTimeoutSeconds: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .default(30)
      .describe('No RTP/RTCP for this long ends the call (0 = never).'),
    inbandDetect: z
      .enum(['auto', 'on', 'off'])
      .default('auto')
      .describe('In-band DTMF detection: auto runs it only when RFC 4733 was not negotiated.'),
    jitterBuffer: z
      .strictObject({
        initialDelayMs: ms(1000).default(40).describe('Delay before playout starts.'),
        minDelayMs: ms(1000).default(20).describe('Smallest adaptive delay.'),
        maxDelayMs: ms(2000).default(200).describe('Largest adaptive delay.'),
      })
      .prefault({})
      .describe('Adaptive jitter buffer of each leg.'),
    clipCacheMB: z.number().int().min(1).max(4096).default(64).describe('Memory for decoded prompts.'),
  })
  .prefault({})
  .describe('Media pipeline (players, recorders, DTMF, jitter buffer).');

export const callsSchema = z
  .strictObject({
    maxCalls: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .describe('Calls at once, in and out; beyond, 503.'),
    defaultMedia: z
      .strictObject({
        codecs: mediaFields.codecs.default([...DEFAULT_TRUNK_MEDIA.codecs]),
        codecOrder: mediaFields.codecOrder.default(DEFAULT_TRUNK_MEDIA.codecOrder),
        ptime: mediaFields.ptime.default(20),
        telephoneEvent: mediaFields.telephoneEvent.default(DEFAULT_TRUNK_MEDIA.telephoneEvent),
        dtmfMethod: mediaFields.dtmfMethod.default(DEFAULT_TRUNK_MEDIA.dtmfMethod),
        infoContentType: trunkMediaShape.infoContentType
          .unwrap()
          .default(DEFAULT_TRUNK_MEDIA.infoContentType),
        earlyMedia: mediaFields.earlyMedia.default(DEFAULT_TRUNK_MEDIA.earlyMedia),
        rtcpMux: mediaFields.rtcpMux.default(DEFAULT_TRUNK_MEDIA.rtcpMux),
      })
      .prefault({})
      .describe('Media options of trunks without their own (`calls.trunkMedia` overrides them key by key).'),
    trunkMedia: z
      .record(z.string(), trunkMediaSchema)
      .default({})
      .describe('Media options per trunk name (codecs, dtmfMethod, earlyMedia...).'),
    dialTrunk: z.string().min(1).optional().describe('SIP trunk of `dial` verb targets that name none.'),
    routes: z
      .array(routeSchema)
      .max(10_000)
      .default([{ app: 'demo' }])
      .describe('Incoming calls: the first route matching trunk and called number picks the application.'),
    apps: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/), appSchema)
      .prefault({ demo: DEMO_APP })
      .describe(
        'Applications: named step lists (answer, ring, play, collectDigits, sendDigits, record, pause, hangup, say, gather), or verbs applications (webhook, WebSocket or inline verbs).',
      ),
  })
  .prefault({})
  .refine((c) => c.routes.every((r) => r.app in c.apps), {
    message: 'every route must name an application of calls.apps',
    path: ['routes'],
  })
  .describe('Call routing and applications.');

export type MediaConfig = z.output<typeof mediaSchema>;
export type CallsConfig = z.output<typeof callsSchema>;

/** Drops the unset keys of a trunk media block. */
export function toTrunkMedia(m: Partial<Record<keyof TrunkMedia, unknown>>): Partial<TrunkMedia> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as Partial<TrunkMedia>;
}

export function toApps(calls: CallsConfig): AppSpec[] {
  return Object.entries(calls.apps).map(([name, a]) => ({
    name,
    // A verbs application has no steps: the verbs runner is its body.
    steps: (a.steps ?? []).map(toStepSpec),
    maxDurationMs: a.maxDurationSeconds * 1000,
  }));
}

/** The verbs applications of the config (those with `application`), for VerbsApps. */
export function toVerbsApps(calls: CallsConfig): Record<string, VerbsAppConfig> {
  const out: Record<string, VerbsAppConfig> = {};
  for (const [name, a] of Object.entries(calls.apps)) {
    if (!a.application) continue;
    const prompt = a.fallback.prompt ?? 'error.wav';
    out[name] = {
      source: a.application,
      secret: a.secret,
      statusHook: a.statusHook,
      webhookTimeoutMs: a.webhookTimeoutSeconds * 1000,
      ackTimeoutMs: a.ackTimeoutSeconds * 1000,
      fallback: { ...(prompt ? { prompt } : {}), cause: a.fallback.cause as Q850Cause },
    };
  }
  return out;
}

export function toRoutes(calls: CallsConfig): RouteSpec[] {
  return calls.routes.map((r) => ({ ...r }));
}

/** The loopback trunk of the defaults: any call from this host reaches the demo application. */
export const LOOPBACK_TRUNK = {
  name: 'loopback',
  peers: ['127.0.0.1'],
  transport: 'udp' as const,
  acl: ['127.0.0.0/8', '::1/128'],
  maxCps: 0,
  maxConcurrentCalls: 0,
  tcpFallback: false,
};
