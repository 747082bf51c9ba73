/**
 * Config keys of the SIP stack beyond the listeners already in `sip` (schema.ts): trunks, the
 * policy for unknown peers, timers, session timers, 100rel and bounds. The lead merges
 * `sipOptionsShape` into `sipSchema`; every key has a default, so an empty `sip` section still
 * gives a working, loopback-only stack with no trunks (every request then gets 403).
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { SipStackOptions } from '../../sip/index.js';

const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only');

/** `ip`, `ip:port`, `[ipv6]:port` or `host:port`. */
const peer = z
  .string()
  .min(1)
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[0-9A-Za-z.:_-]+)(:\d{1,5})?$/, 'must be host, host:port or [ipv6]:port');

const cidr = z.string().refine((s) => {
  const [addr, len] = s.split('/');
  const fam = isIP(addr ?? '');
  if (fam === 0) return false;
  if (len === undefined) return true;
  const n = Number(len);
  return Number.isInteger(n) && n >= 0 && n <= (fam === 6 ? 128 : 32);
}, 'must be an IP address or CIDR block (192.0.2.0/24, 2001:db8::/32)');

const credentials = z.strictObject({
  username: z.string().min(1).describe('Digest user name.'),
  password: z.string().min(1).describe('Digest password.'),
});

export const sipTrunkSchema = z
  .strictObject({
    name: name.describe('Trunk name, used by the API and in logs.'),
    peers: z.array(peer).min(1).max(16).describe('Carrier addresses; requests go to the first.'),
    transport: z.enum(['udp', 'tcp', 'tls']).default('udp').describe('Transport towards the carrier.'),
    acl: z
      .array(cidr)
      .max(256)
      .optional()
      .describe('Source addresses accepted as this trunk (CIDR); default: the peers’ addresses.'),
    outboundProxy: z
      .string()
      .regex(/^sips?:/, 'must be a sip: or sips: URI')
      .optional()
      .describe('Loose-routed outbound proxy URI for requests to this trunk.'),
    domain: z
      .string()
      .min(1)
      .optional()
      .describe('Host part of our Request-URIs and From; default the first peer.'),
    fromUser: z
      .string()
      .min(1)
      .optional()
      .describe('User part of our From and REGISTER; default "voicegate".'),
    auth: credentials
      .optional()
      .describe('Credentials for the carrier’s 401/407 challenges (RFC 7616/8760).'),
    inboundAuth: credentials
      .optional()
      .describe(
        'Credentials this carrier must prove when it calls from outside the ACL (`unknownPeers: challenge`).',
      ),
    keepalive: z
      .strictObject({
        intervalSeconds: z
          .number()
          .int()
          .min(0)
          .max(3600)
          .default(30)
          .describe('OPTIONS ping period; 0 disables.'),
        downAfter: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(2)
          .describe('Failed pings before the trunk is down.'),
      })
      .optional()
      .describe('OPTIONS keepalive.'),
    register: z
      .strictObject({
        expiresSeconds: z
          .number()
          .int()
          .min(60)
          .max(86400)
          .default(3600)
          .describe('Registration interval asked for.'),
        registrar: z
          .string()
          .regex(/^sips?:/)
          .optional()
          .describe('Registrar URI; default sip:<domain>.'),
        user: z.string().min(1).optional().describe('Registered user; default fromUser.'),
      })
      .optional()
      .describe('REGISTER to this trunk, refreshed before expiry.'),
    maxCps: z
      .number()
      .int()
      .min(0)
      .max(100000)
      .default(0)
      .describe('New calls per second, in and out; 0 = no limit.'),
    maxConcurrentCalls: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .default(0)
      .describe('Concurrent calls, in and out; 0 = no limit.'),
    tcpFallback: z
      .boolean()
      .default(false)
      .describe('Send UDP requests over the MTU by TCP (the carrier must listen on TCP).'),
  })
  .describe('A carrier SIP trunk.');

export const sipOptionsShape = {
  advertiseHost: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Address written into Via and Contact instead of `sip.host` (the public address behind NAT or 0.0.0.0).',
    ),
  trunks: z
    .array(sipTrunkSchema)
    .max(1000)
    .default([])
    .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, 'trunk names must be unique')
    .describe('Carrier trunks.'),
  unknownPeers: z
    .enum(['reject', 'drop', 'challenge'])
    .default('reject')
    .describe(
      'Requests from addresses in no trunk’s ACL: answer 403, drop unparsed, or digest-challenge them.',
    ),
  realm: z.string().min(1).default('voicegate').describe('Realm of our digest challenges.'),
  rejectRate: z
    .number()
    .int()
    .min(0)
    .max(100000)
    .default(50)
    .describe('Most 403/401 answers per second to unknown peers; the rest are dropped.'),
  userAgent: z.string().min(1).max(100).default('voicegate').describe('User-Agent header value.'),
  prack: z
    .enum(['supported', 'required', 'disabled'])
    .default('supported')
    .describe('Reliable provisional responses (RFC 3262, 100rel).'),
  sessionTimer: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Ask for and offer session timers (RFC 4028).'),
      expiresSeconds: z
        .number()
        .int()
        .min(90)
        .max(86400)
        .default(1800)
        .describe('Session-Expires we ask for.'),
      minSeconds: z
        .number()
        .int()
        .min(90)
        .max(86400)
        .default(90)
        .describe('Smallest interval we accept (Min-SE).'),
      refreshMethod: z
        .enum(['UPDATE', 'INVITE'])
        .default('UPDATE')
        .describe('How we refresh (UPDATE when the peer allows it).'),
    })
    .prefault({})
    .describe('Session timers.'),
  timers: z
    .strictObject({
      t1Ms: z.number().int().min(50).max(10000).default(500).describe('RFC 3261 T1 (RTT estimate).'),
      t2Ms: z.number().int().min(500).max(60000).default(4000).describe('RFC 3261 T2.'),
      t4Ms: z.number().int().min(500).max(60000).default(5000).describe('RFC 3261 T4.'),
      timerCSeconds: z
        .number()
        .int()
        .min(0)
        .max(3600)
        .default(180)
        .describe('An outgoing INVITE ringing longer than this is CANCELled (Timer C); 0 disables.'),
      tryingMs: z
        .number()
        .int()
        .min(0)
        .max(200)
        .default(100)
        .describe('100 Trying when the application has not answered by then.'),
    })
    .prefault({})
    .describe('SIP timers.'),
  limits: z
    .strictObject({
      maxTransactions: z
        .number()
        .int()
        .min(100)
        .max(2_000_000)
        .default(200_000)
        .describe('Live transactions; beyond, 503.'),
      maxDialogs: z
        .number()
        .int()
        .min(10)
        .max(1_000_000)
        .default(50_000)
        .describe('Dialogs; beyond, new INVITEs get 503.'),
      maxMessageBytes: z
        .number()
        .int()
        .min(1500)
        .max(1_048_576)
        .default(65535)
        .describe('Largest SIP message.'),
      maxHeaders: z
        .number()
        .int()
        .min(20)
        .max(10000)
        .default(256)
        .describe('Most header lines in a message.'),
      maxHeaderLineBytes: z.number().int().min(256).max(65535).default(8192).describe('Longest header line.'),
      maxTcpConnections: z
        .number()
        .int()
        .min(1)
        .max(100000)
        .default(4096)
        .describe('Open SIP TCP/TLS connections.'),
      tcpIdleSeconds: z
        .number()
        .int()
        .min(1)
        .max(86400)
        .default(120)
        .describe('Idle TCP/TLS connections are closed after this.'),
    })
    .prefault({})
    .describe('Bounds.'),
  tlsClient: z
    .strictObject({
      ca: z
        .string()
        .min(1)
        .optional()
        .describe('PEM CA file to verify carriers’ TLS certificates; default the system CAs.'),
      verifyPeer: z.boolean().default(true).describe('Verify the carrier’s TLS certificate.'),
    })
    .prefault({})
    .describe('TLS towards carriers.'),
};

export const sipOptionsSchema = z.strictObject(sipOptionsShape);
export type SipOptionsConfig = z.output<typeof sipOptionsSchema>;
export type SipTrunkConfig = z.output<typeof sipTrunkSchema>;

/** The listener keys schema.ts already has under `sip`. */
export interface SipListenConfig {
  host: string;
  udpPort: number;
  tcpPort: number;
  tlsPort: number;
  tls: { cert?: string | undefined; key?: string | undefined };
}

/**
 * Maps the validated `sip` section to SipStack options. `pem` holds the TLS files' contents
 * (the daemon reads them: the SIP layer reads no files); TLS listens only when both are given.
 */
export function toSipStackOptions(
  sip: SipListenConfig & SipOptionsConfig,
  pem: { cert?: Buffer; key?: Buffer; ca?: Buffer } = {},
): SipStackOptions {
  const tls = pem.cert && pem.key;
  return {
    listen: [
      { protocol: 'udp', host: sip.host, port: sip.udpPort },
      { protocol: 'tcp', host: sip.host, port: sip.tcpPort },
      ...(tls ? [{ protocol: 'tls' as const, host: sip.host, port: sip.tlsPort }] : []),
    ],
    ...(sip.advertiseHost ? { advertise: { host: sip.advertiseHost } } : {}),
    ...(tls
      ? {
          tls: {
            cert: pem.cert!,
            key: pem.key!,
            ...(pem.ca ? { ca: pem.ca } : {}),
            rejectUnauthorized: sip.tlsClient.verifyPeer,
          },
        }
      : {}),
    trunks: sip.trunks.map((t) => ({
      name: t.name,
      peers: t.peers,
      transport: t.transport,
      ...(t.acl ? { acl: t.acl } : {}),
      ...(t.outboundProxy ? { outboundProxy: t.outboundProxy } : {}),
      ...(t.domain ? { domain: t.domain } : {}),
      ...(t.fromUser ? { fromUser: t.fromUser } : {}),
      ...(t.auth ? { auth: t.auth } : {}),
      ...(t.inboundAuth ? { inboundAuth: t.inboundAuth } : {}),
      ...(t.keepalive ? { keepalive: t.keepalive } : {}),
      ...(t.register
        ? {
            register: {
              expiresSeconds: t.register.expiresSeconds,
              ...(t.register.registrar ? { registrar: t.register.registrar } : {}),
              ...(t.register.user ? { user: t.register.user } : {}),
            },
          }
        : {}),
      maxCps: t.maxCps,
      maxConcurrentCalls: t.maxConcurrentCalls,
      tcpFallback: t.tcpFallback,
    })),
    unknownPeers: sip.unknownPeers,
    realm: sip.realm,
    rejectRate: sip.rejectRate,
    userAgent: sip.userAgent,
    prack: sip.prack,
    sessionTimer: {
      enabled: sip.sessionTimer.enabled,
      expires: sip.sessionTimer.expiresSeconds,
      minSE: sip.sessionTimer.minSeconds,
      refreshMethod: sip.sessionTimer.refreshMethod,
    },
    timers: {
      T1: sip.timers.t1Ms,
      T2: sip.timers.t2Ms,
      T4: sip.timers.t4Ms,
      C: sip.timers.timerCSeconds * 1000,
      trying: sip.timers.tryingMs,
    },
    limits: { ...sip.limits },
  };
}
