/** Request schemas of the REST API: validation and the OpenAPI document come from the same zod objects. */
import { z } from 'zod';

const url = z
  .string()
  .max(2048)
  .regex(/^(https?|wss?):\/\//, 'must be an http(s) or ws(s) URL');

export const applicationSchema = z.union([
  z.strictObject({ webhook: url, method: z.enum(['POST', 'GET']).optional() }),
  z.strictObject({ websocket: url }),
  z.strictObject({ verbs: z.array(z.unknown()).min(1).max(200) }),
]);

export const originateSchema = z.strictObject({
  to: z
    .union([
      z.string().min(1).max(256),
      z.strictObject({ number: z.string().min(1).max(64), extension: z.string().max(16).optional() }),
    ])
    .describe('A privacy number (`17012345678-1234`, `17012345678转1234`), a plain number, or a SIP URI.'),
  from: z.string().min(1).max(256).optional().describe('Caller ID.'),
  trunk: z.string().min(1).max(64).describe('Name of the trunk to call through.'),
  plan: z.string().min(1).max(64).optional().describe('Dialing plan override.'),
  platform: z.string().min(1).max(64).optional().describe('Platform profile override.'),
  ringTimeoutSeconds: z.number().int().min(1).max(300).optional(),
  application: applicationSchema
    .optional()
    .describe('What runs once the callee is reached; default: hang up.'),
  tag: z
    .record(z.string().max(64), z.union([z.string().max(1024), z.number(), z.boolean()]))
    .optional()
    .describe('Data attached to the CDR.'),
});

export const commandSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('redirect'),
    verbs: z.array(z.unknown()).min(1).max(200).optional(),
    webhook: url.optional(),
  }),
  z.strictObject({ action: z.literal('mute') }),
  z.strictObject({ action: z.literal('unmute') }),
  z.strictObject({ action: z.literal('hangup'), reason: z.string().max(128).optional() }),
]);

export const listQuerySchema = z.strictObject({
  state: z.string().max(32).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const eventsQuerySchema = z.strictObject({
  token: z.string().optional(),
  callId: z.string().max(256).optional(),
  types: z
    .string()
    .max(1024)
    .optional()
    .describe('Comma-separated event types or prefixes (`call.`, `verb.`).'),
});

/** Compact list of validation problems for a 400 body. */
export function issuesOf(err: z.ZodError): { path: string; message: string }[] {
  return err.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
