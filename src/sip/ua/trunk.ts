/**
 * A carrier trunk: where its requests go, which source addresses are its (ACL), credentials in
 * both directions, OPTIONS keepalive state, registration, and call limits (CPS and concurrent
 * calls). The config shape is plain data; the daemon validates it (sip-schema.ts).
 */
import type { Clock } from '../clock.js';
import type { TransportProtocol } from '../transport/transport.js';
import { Acl } from './acl.js';
import { TokenBucket } from './rate-limit.js';

export interface TrunkConfig {
  name: string;
  /** Peer addresses `ip[:port]` (IPv6 in brackets); the first is where requests go. */
  peers: string[];
  transport: 'udp' | 'tcp' | 'tls';
  /** Source addresses (CIDR) accepted as this trunk; default: the peers' addresses. */
  acl?: string[];
  /** Loose-routed outbound proxy URI (`sip:10.0.0.5:5060;lr`): requests go there with a Route. */
  outboundProxy?: string;
  /** Host part of our From / the Request-URI domain (default: the first peer). */
  domain?: string;
  /** User part of our From and REGISTER (default "voicegate"). */
  fromUser?: string;
  /** Credentials to answer the carrier's 401/407 (UAC, RFC 7616/8760). */
  auth?: { username: string; password: string };
  /** Credentials the carrier must present when it calls from outside the ACL (UAS challenge). */
  inboundAuth?: { username: string; password: string };
  /** OPTIONS keepalive period in seconds (0 = off) and failures before the trunk is down. */
  keepalive?: { intervalSeconds: number; downAfter?: number };
  /** REGISTER to the trunk (registrar = first peer unless `registrar`). */
  register?: { expiresSeconds: number; registrar?: string; user?: string };
  /** New calls per second, in and out (0 = unlimited). */
  maxCps?: number;
  /** Concurrent calls, in and out (0 = unlimited). */
  maxConcurrentCalls?: number;
  /** Send UDP requests over the MTU by TCP (§18.1.1) — only for peers that listen on TCP. */
  tcpFallback?: boolean;
}

export interface PeerAddress {
  address: string;
  port: number;
}

export function parsePeer(s: string, protocol: TransportProtocol): PeerAddress {
  const def = protocol === 'TLS' ? 5061 : 5060;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { address: v6[1]!, port: v6[2] ? Number(v6[2]) : def };
  const i = s.lastIndexOf(':');
  if (i !== -1 && s.indexOf(':') === i) return { address: s.slice(0, i), port: Number(s.slice(i + 1)) };
  return { address: s, port: def };
}

export class Trunk {
  readonly name: string;
  readonly protocol: TransportProtocol;
  readonly peers: PeerAddress[];
  readonly acl: Acl;
  /** Calls in progress (incoming and outgoing). */
  active = 0;
  /** OPTIONS keepalive verdict; true until keepalive says otherwise. */
  up = true;
  private readonly cps: TokenBucket | null;

  constructor(
    readonly config: TrunkConfig,
    clock: Clock,
  ) {
    this.name = config.name;
    this.protocol = config.transport.toUpperCase() as TransportProtocol;
    this.peers = config.peers.map((p) => parsePeer(p, this.protocol));
    this.acl = new Acl(config.acl ?? this.peers.map((p) => p.address));
    this.cps = config.maxCps ? new TokenBucket(clock, config.maxCps, config.maxCps) : null;
  }

  /** Host part of our Request-URIs and From: the configured domain, else the first peer (with its port unless default). */
  get domain(): string {
    if (this.config.domain) return this.config.domain;
    const p = this.peers[0];
    if (!p) return 'invalid';
    const host = p.address.includes(':') ? `[${p.address}]` : p.address;
    const def = this.protocol === 'TLS' ? 5061 : 5060;
    return p.port === def ? host : `${host}:${p.port}`;
  }

  /** Whether a new call may start now (and counts it when it may). */
  admit(): 'ok' | 'cps' | 'concurrency' {
    const max = this.config.maxConcurrentCalls ?? 0;
    if (max > 0 && this.active >= max) return 'concurrency';
    if (this.cps && !this.cps.take()) return 'cps';
    this.active++;
    return 'ok';
  }

  release(): void {
    if (this.active > 0) this.active--;
  }
}
