/**
 * Config keys of the networked MRCP server (beyond `mrcpServer.enabled/host/sipPort/mrcpPort`,
 * already in schema.ts) and of the MRCP client (`mrcpClient`): engines per resource and language,
 * bounds, timeouts, server pools. Every key has a default, so the daemon runs with none of them.
 *
 * Merging: `mrcpServerShape` spreads into `mrcpServerSchema` and `mrcpClientSchema` becomes the
 * `mrcpClient` section of `configSchema` (then `npm run docs:config`). Until then the service
 * reads these keys through `mrcpServerExtras()` / `mrcpClientConfig()`, which fill the defaults.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { CodecId } from '../../sdp/index.js';

const CODECS = ['PCMU', 'PCMA', 'G722', 'L16/8000', 'L16/16000'] as const satisfies readonly CodecId[];
const RESOURCES = ['speechsynth', 'speechrecog', 'recorder'] as const;

const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only');

const cidr = z.string().refine((s) => {
  const [addr, len] = s.split('/');
  const fam = isIP(addr ?? '');
  if (fam === 0) return false;
  if (len === undefined) return true;
  const n = Number(len);
  return Number.isInteger(n) && n >= 0 && n <= (fam === 6 ? 128 : 32);
}, 'must be an IP address or CIDR block (192.0.2.0/24, 2001:db8::/32)');

const sipPeer = z
  .string()
  .min(1)
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[0-9A-Za-z.:_-]+)(:\d{1,5})?$/, 'must be host, host:port or [ipv6]:port');

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const mrcpEngineSchema = z
  .strictObject({
    module: z
      .string()
      .min(1)
      .describe(
        '`builtin` (espeak-ng and PocketSphinx; options as `createBuiltinEngines`), `test` (deterministic tones, DTMF and energy results, WAV recorder) or a module path/package exporting `createEngines(options)`.',
      ),
    options: z.record(z.string(), z.unknown()).default({}).describe('Passed to `createEngines(options)`.'),
    resources: z
      .array(z.enum(RESOURCES))
      .optional()
      .describe('Serve only these resources with this module’s engines (default: all it has).'),
    languages: z
      .array(z.string().min(1).max(35))
      .optional()
      .describe('BCP 47 tags these engines serve, replacing what they declare (`*` = any).'),
  })
  .describe('An engine module.');

export const mrcpServerShape = {
  advertise: z
    .string()
    .min(1)
    .optional()
    .describe('Address written in SDP answers (MRCP and RTP) instead of `mrcpServer.host`.'),
  clients: z
    .array(cidr)
    .max(256)
    .default(['127.0.0.0/8', '::1/128'])
    .describe('Source addresses (CIDR) allowed to open MRCP sessions; others get 403.'),
  sipTransports: z
    .array(z.enum(['udp', 'tcp']))
    .min(1)
    .default(['udp', 'tcp'])
    .describe('SIP transports of the MRCP server on `sipPort`.'),
  maxSessions: int(1, 100000).default(1000).describe('Concurrent MRCP sessions; INVITEs beyond get 503.'),
  maxConnections: int(1, 100000).default(1024).describe('Open MRCPv2 TCP connections.'),
  maxChannelsPerConnection: int(1, 100000).default(1024).describe('Channels sharing one TCP connection.'),
  connectionIdleSeconds: int(1, 86400)
    .default(30)
    .describe('A TCP connection carrying no channel is closed after this long.'),
  connectTimeoutSeconds: int(1, 3600)
    .default(10)
    .describe('After the 2xx, how long a client has to bring its channels up over TCP.'),
  maxMessageSize: int(4096, 64 << 20)
    .default(1 << 20)
    .describe('Largest MRCP message; 504 beyond.'),
  codecs: z
    .array(z.enum(CODECS))
    .min(1)
    .default([...CODECS])
    .describe('Audio codecs accepted, in order of preference.'),
  resources: z
    .array(z.enum(RESOURCES))
    .min(1)
    .default([...RESOURCES])
    .describe('Resources served.'),
  defaultLanguage: z.string().min(1).max(35).default('en-US').describe('Speech-Language when none is given.'),
  localBargeIn: z
    .boolean()
    .default(true)
    .describe('Stop a prompt when the recognizer of the same session hears input (§8.4.2).'),
  engineTimeoutMs: int(100, 600_000).default(5000).describe('Deadline for an engine to start or answer.'),
  maxQueue: int(1, 1000).default(16).describe('Queued SPEAK / RECOGNIZE requests per channel.'),
  maxBufferedAudioMs: int(100, 60_000).default(2000).describe('Synthesized audio buffered ahead of playout.'),
  maxGrammars: int(1, 10_000).default(64).describe('`session:` grammars per channel.'),
  maxGrammarBytes: int(1024, 64 << 20)
    .default(1 << 20)
    .describe('Largest grammar.'),
  engines: z
    .array(mrcpEngineSchema)
    .max(64)
    .default([{ module: 'builtin', options: {} }])
    .describe('Engine modules; for each resource and language the most specific engine wins.'),
};

export const mrcpServerEntrySchema = z
  .strictObject({
    name: name.describe('Server name (logs, metrics).'),
    sip: sipPeer.describe('SIP address `host[:port]`; default port 8060.'),
    transport: z.enum(['udp', 'tcp']).default('udp').describe('SIP transport towards this server.'),
    user: z.string().min(1).max(64).default('mrcp').describe('User part of the Request-URI.'),
    codecs: z
      .array(z.enum(CODECS))
      .min(1)
      .default(['PCMU', 'PCMA', 'G722', 'L16/8000'])
      .describe('Audio codecs offered, in order.'),
    sessionPerResource: z
      .boolean()
      .default(false)
      .describe('One SIP session per resource (as FreeSWITCH and Asterisk do) instead of one for all.'),
  })
  .describe('An MRCPv2 server.');

export const mrcpPoolSchema = z
  .strictObject({
    name: name.describe('Pool name, used by the call layer.'),
    servers: z
      .array(mrcpServerEntrySchema)
      .min(1)
      .max(64)
      .describe('Tried in turn; the next one when a session cannot be set up.'),
  })
  .describe('A pool of MRCPv2 servers.');

export const mrcpClientSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the MRCP client (speech for calls).'),
    host: z
      .string()
      .min(1)
      .regex(/^[0-9A-Za-z.:_-]+$/)
      .default('127.0.0.1')
      .describe('Address of the client’s SIP user agent.'),
    sipPort: int(0, 65535).default(0).describe('SIP port of the client (0: any free port).'),
    sipTransports: z
      .array(z.enum(['udp', 'tcp']))
      .min(1)
      .default(['udp', 'tcp'])
      .describe('SIP transports the client listens on.'),
    pools: z
      .array(mrcpPoolSchema)
      .max(64)
      .default([])
      .refine((ps) => new Set(ps.map((p) => p.name)).size === ps.length, 'pool names must be unique')
      .describe('Server pools; empty: one pool `builtin` with the built-in server when it runs.'),
    autoBargeIn: z
      .boolean()
      .default(true)
      .describe('Send BARGE-IN-OCCURRED to the synthesizer when the recognizer hears input.'),
    timeouts: z
      .strictObject({
        inviteMs: int(100, 120_000)
          .default(5000)
          .describe('INVITE → final answer; then CANCEL and the next server.'),
        connectMs: int(100, 60_000).default(3000).describe('MRCP TCP connect.'),
        responseMs: int(100, 120_000).default(5000).describe('Request → response.'),
        speakMs: int(1000, 3_600_000).default(600_000).describe('SPEAK → SPEAK-COMPLETE.'),
        recognizeMs: int(1000, 3_600_000).default(120_000).describe('RECOGNIZE → RECOGNITION-COMPLETE.'),
        recordMs: int(1000, 3_600_000).default(600_000).describe('RECORD → RECORD-COMPLETE.'),
        retryAfterMs: int(0, 3_600_000)
          .default(30_000)
          .describe('A server that failed is tried last this long.'),
      })
      .prefault({})
      .describe('Every step of the client has a deadline; a missed one tears the session down.'),
    limits: z
      .strictObject({
        maxMessageSize: int(4096, 64 << 20)
          .default(1 << 20)
          .describe('Largest MRCP message accepted.'),
        maxChannelsPerConnection: int(1, 100000)
          .default(256)
          .describe('Channels sharing one TCP connection.'),
        connectionLingerMs: int(0, 3_600_000)
          .default(5000)
          .describe('An unused TCP connection is kept this long.'),
        maxPendingRequests: int(1, 10_000).default(64).describe('Requests outstanding per channel.'),
      })
      .prefault({})
      .describe('Bounds.'),
  })
  .prefault({})
  .describe('MRCPv2 client.');

export type MrcpClientConfig = z.output<typeof mrcpClientSchema>;
