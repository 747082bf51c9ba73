/**
 * Config sections of outbound dialing and the call-control API: where the dialing profiles are,
 * which carrier profile each SIP trunk uses, how long a dial may wait in its trunk's queue; the
 * API's bearer tokens and bounds. With no config, dialing uses the package's profiles and the API
 * is mounted but answers 503 until a token is configured.
 */
import { z } from 'zod';

/** `VOICEGATE_API_TOKEN` gives one token (or several, comma-separated) as a string. */
const tokens = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== '')
      : v,
  z.array(z.string().min(16, 'at least 16 characters').max(256)).max(100),
);

export const apiSchema = z
  .strictObject({
    tokens: tokens
      .default([])
      .describe('Bearer tokens of the call API (/v1/calls, /v1/events); none: the API answers 503.'),
    maxBodyBytes: z.number().int().min(1024).max(1_048_576).default(65_536).describe('Largest request body.'),
    ratePerSecond: z
      .number()
      .min(1)
      .max(100_000)
      .default(50)
      .describe('Requests per second per client address (token bucket refill).'),
    rateBurst: z.number().int().min(1).max(100_000).default(100).describe('Token bucket size per client.'),
    appSecret: z
      .string()
      .min(16)
      .max(256)
      .optional()
      .describe('HMAC key signing requests to the applications of calls placed by the API.'),
    eventClients: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(100)
      .describe('Most /v1/events WebSocket clients.'),
  })
  .prefault({})
  .describe('Call-control API on the HTTP port (token auth).');

export const dialingSchema = z
  .strictObject({
    profilesDir: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Folder of dialing profiles (trunk, platform, plan YAML); default the package’s `profiles/dialing`.',
      ),
    trunkProfiles: z
      .record(z.string().min(1).max(64), z.string().min(1).max(64))
      .default({})
      .describe('SIP trunk name → carrier profile name (default: the profile named like the trunk).'),
    maxQueueWaitSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(60)
      .describe('Longest a dial waits in its trunk’s queue before it fails.'),
    connectedMaxSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(3600)
      .describe('Longest a dial placed with an application stays connected.'),
  })
  .prefault({})
  .describe('Outbound dialing of privacy numbers (POST /v1/calls).');
