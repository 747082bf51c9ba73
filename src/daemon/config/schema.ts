/**
 * The daemon's configuration schema: the single source of the config file's keys, their types,
 * defaults and documentation. README's configuration reference is generated from it
 * (`npm run docs:config`) and a test keeps the two in sync.
 *
 * With no config file every listener binds to 127.0.0.1: open SIP ports attract toll-fraud
 * scanners within minutes, so a deployment names its public addresses explicitly.
 */
import { z } from 'zod';
import { callsSchema, LOOPBACK_TRUNK, mediaSchema } from './call-schema.js';
import { apiSchema, dialingSchema } from './dialing-schema.js';
import { mrcpClientSchema, mrcpServerShape } from './mrcp-schema.js';
import { sipOptionsShape, sipTrunkSchema } from './sip-schema.js';

const host = z
  .string()
  .min(1)
  .regex(/^[0-9A-Za-z.:_-]+$/, 'must be an IP address or host name');
const port = z.number().int().min(1).max(65535);
/** Like `port`, but 0 asks the kernel for a free port (tests run several daemons at once). */
const portOrAny = z.number().int().min(0).max(65535);

export const logLevels = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];

const logSchema = z
  .strictObject({
    level: z.enum(logLevels).default('info').describe('Lowest level written: error, warn, info or debug.'),
    format: z
      .enum(['auto', 'json', 'pretty'])
      .default('auto')
      .describe(
        '`json` lines, human-readable `pretty`, or `auto`: pretty when stdout is a TTY, JSON otherwise.',
      ),
  })
  .prefault({})
  .describe('Logging (JSON lines to stdout).');

const httpSchema = z
  .strictObject({
    host: host.default('127.0.0.1').describe('Address of the HTTP API and ops endpoints.'),
    port: portOrAny.default(8080).describe('TCP port of the HTTP API and ops endpoints (0: any free port).'),
    maxConnections: z
      .number()
      .int()
      .min(1)
      .max(100000)
      .default(1024)
      .describe('Most concurrent HTTP connections; further ones are refused.'),
  })
  .prefault({})
  .describe('HTTP API and ops endpoints (/healthz, /readyz, /metrics).');

const sipSchema = z
  .strictObject({
    host: host.default('127.0.0.1').describe('Address the trunk-facing SIP listeners bind to.'),
    udpPort: portOrAny.default(5060).describe('SIP over UDP.'),
    tcpPort: portOrAny.default(5060).describe('SIP over TCP.'),
    tlsPort: port
      .default(5061)
      .describe('SIP over TLS (listens only when `sip.tls.cert` and `sip.tls.key` are set).'),
    tls: z
      .strictObject({
        cert: z.string().min(1).optional().describe('PEM certificate chain file for SIP over TLS.'),
        key: z.string().min(1).optional().describe('PEM private key file for SIP over TLS.'),
      })
      .prefault({})
      .describe('TLS certificates.'),
    ...sipOptionsShape,
    // The defaults have one trunk, loopback, so `npm start` and a SIP client on this host reach the
    // demo application; a config that lists its trunks replaces it.
    trunks: z
      .array(sipTrunkSchema)
      .max(1000)
      .default([LOOPBACK_TRUNK])
      .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, 'trunk names must be unique')
      .describe('Carrier trunks (default: `loopback`, accepting 127.0.0.0/8 and ::1).'),
  })
  .prefault({})
  .describe('Trunk-facing SIP user agent.');

const rtpSchema = z
  .strictObject({
    host: host.default('127.0.0.1').describe('Address RTP/RTCP sockets bind to and that SDP advertises.'),
    portMin: port.default(20000).describe('Lowest RTP port (even); RTCP uses the next odd port.'),
    portMax: port.default(29999).describe('Highest RTP/RTCP port.'),
  })
  .prefault({})
  .refine((r) => r.portMin < r.portMax, { message: 'portMin must be below portMax', path: ['portMin'] })
  .describe('RTP media port pool.');

const mrcpServerSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the built-in MRCPv2 server and its engines.'),
    host: host.default('127.0.0.1').describe('Address of the MRCP server SIP and TCP listeners.'),
    sipPort: portOrAny
      .default(8060)
      .describe('SIP port of the MRCP server (UniMRCP default; 0 = any free port, for tests).'),
    mrcpPort: portOrAny
      .default(1544)
      .describe('MRCPv2 TCP control port (UniMRCP default; 0 = any free port).'),
    ...mrcpServerShape,
  })
  .prefault({})
  .describe('Built-in MRCPv2 server.');

const shutdownSchema = z
  .strictObject({
    graceSeconds: z
      .number()
      .min(0)
      .max(3600)
      .default(30)
      .describe('On SIGTERM/SIGINT, how long in-flight calls may take to end before they are cut.'),
  })
  .prefault({})
  .describe('Graceful shutdown.');

export const configSchema = z
  .strictObject({
    log: logSchema,
    http: httpSchema,
    sip: sipSchema,
    rtp: rtpSchema,
    media: mediaSchema,
    calls: callsSchema,
    dialing: dialingSchema,
    api: apiSchema,
    mrcpServer: mrcpServerSchema,
    mrcpClient: mrcpClientSchema,
    shutdown: shutdownSchema,
  })
  .describe('voicegate configuration');

/** The validated configuration, with every default filled in. */
export type Config = z.output<typeof configSchema>;
/** What a config file may contain: every key optional. */
export type ConfigInput = z.input<typeof configSchema>;

/** Environment overrides for the common keys: variable → dotted key, and how its text becomes a value. */
export const envOverrides = [
  { env: 'VOICEGATE_LOG_LEVEL', key: 'log.level', type: 'string' },
  { env: 'VOICEGATE_LOG_FORMAT', key: 'log.format', type: 'string' },
  { env: 'VOICEGATE_HTTP_HOST', key: 'http.host', type: 'string' },
  { env: 'VOICEGATE_HTTP_PORT', key: 'http.port', type: 'number' },
  { env: 'VOICEGATE_SIP_HOST', key: 'sip.host', type: 'string' },
  { env: 'VOICEGATE_SIP_UDP_PORT', key: 'sip.udpPort', type: 'number' },
  { env: 'VOICEGATE_SIP_TCP_PORT', key: 'sip.tcpPort', type: 'number' },
  { env: 'VOICEGATE_SIP_TLS_PORT', key: 'sip.tlsPort', type: 'number' },
  { env: 'VOICEGATE_RTP_HOST', key: 'rtp.host', type: 'string' },
  { env: 'VOICEGATE_RTP_PORT_MIN', key: 'rtp.portMin', type: 'number' },
  { env: 'VOICEGATE_RTP_PORT_MAX', key: 'rtp.portMax', type: 'number' },
  { env: 'VOICEGATE_MRCP_SERVER_ENABLED', key: 'mrcpServer.enabled', type: 'boolean' },
  { env: 'VOICEGATE_MRCP_SIP_PORT', key: 'mrcpServer.sipPort', type: 'number' },
  { env: 'VOICEGATE_MRCP_PORT', key: 'mrcpServer.mrcpPort', type: 'number' },
  { env: 'VOICEGATE_SHUTDOWN_GRACE_SECONDS', key: 'shutdown.graceSeconds', type: 'number' },
  { env: 'VOICEGATE_API_TOKEN', key: 'api.tokens', type: 'string' },
] as const;
