/**
 * The networked MRCPv2 server (RFC 6787): a SIP user agent (on voicegate's SIP core; UniMRCP's
 * port 8060 by default) that answers MRCP session offers, a TCP listener for the control
 * channels (1544), RTP audio per session, and the sans-IO channels and engines underneath. It has
 * the daemon's Service shape: start, drain, stop, listeners, summary.
 *
 * Bounded everywhere: sessions (503 beyond), TCP connections, channels and write backlog per
 * connection, message size. A broken client — garbage, a wrong message-length, a connection that
 * drops — costs only its own sessions.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { SipStack, type IncomingCall, type SipStackOptions } from '../../sip/index.js';
import type { Clock as RtpClock, PortPool, RtpDropCounters } from '../../rtp/index.js';
import type { CodecId } from '../../sdp/index.js';
import { FrameClock } from '../audio/media-audio.js';
import type { ServedResource } from '../codec/tables.js';
import type { EngineRegistry } from '../engines/registry.js';
import { count, newNetCounters, type MrcpNetCounters } from '../net/metrics.js';
import { silentLogger, systemClock, type Clock, type MrcpLogger } from '../server/clock.js';
import type { ChannelLimits } from '../server/machine.js';
import {
  DEFAULT_CONNECTION_LIMITS,
  ServerTcpConnection,
  type ServerConnectionLimits,
} from './server-connection.js';
import type { ServerContext } from './server-context.js';
import { ServerSession } from './server-session.js';

export const DEFAULT_SERVER_CODECS: readonly CodecId[] = ['PCMU', 'PCMA', 'G722', 'L16/8000', 'L16/16000'];

export interface MrcpServerOptions {
  /** The SIP user agent (listeners, the clients' ACL as a trunk); see `mrcpServerSipOptions`. */
  sip: SipStackOptions;
  mrcp: {
    host: string;
    /** 0 picks an ephemeral port. */
    port: number;
    /** Address written in SDP answers (default `host`). */
    advertise?: string;
    /** Open TCP connections (default 1024); further ones are closed at once. */
    maxConnections?: number;
  } & Partial<ServerConnectionLimits>;
  rtp: { pool: PortPool; host: string; advertise?: string; counters?: RtpDropCounters; clock?: RtpClock };
  engines: EngineRegistry;
  resources?: readonly ServedResource[];
  codecs?: readonly CodecId[];
  /** Concurrent sessions (default 1000); INVITEs beyond get 503. */
  maxSessions?: number;
  /** How long after the 2xx a client has to connect a channel (default 10 s). */
  connectTimeoutMs?: number;
  channel?: { limits?: Partial<ChannelLimits>; defaultLanguage?: string; localBargeIn?: boolean };
  clock?: Clock;
  logger?: MrcpLogger;
  /** The process-wide 20 ms frame clock (default: one of its own). */
  frameClock?: FrameClock;
  counters?: MrcpNetCounters;
}

/** SIP options for the server's own user agent: UDP and TCP on `host:port`, clients by ACL. */
export function mrcpServerSipOptions(o: {
  host: string;
  port: number;
  /** CIDR blocks allowed to open sessions (default loopback only). */
  clients?: readonly string[];
  protocols?: readonly ('udp' | 'tcp')[];
}): SipStackOptions {
  return {
    listen: (o.protocols ?? ['udp', 'tcp']).map((protocol) => ({ protocol, host: o.host, port: o.port })),
    trunks: [
      {
        name: 'mrcp-clients',
        peers: [],
        transport: 'udp',
        acl: [...(o.clients ?? ['127.0.0.0/8', '::1/128'])],
      },
    ],
    unknownPeers: 'reject',
    userAgent: 'voicegate-mrcp',
  };
}

export class MrcpServer {
  readonly name = 'mrcp-server';
  readonly sip: SipStack;
  readonly counters: MrcpNetCounters;
  private readonly clock: Clock;
  private readonly logger: MrcpLogger;
  private readonly frameClock: FrameClock;
  private readonly sessions = new Map<string, ServerSession>();
  private readonly connections = new Set<ServerTcpConnection>();
  private readonly limits: ServerConnectionLimits;
  private readonly ctx: ServerContext;
  private tcp: Server | undefined;
  private port = 0;
  private nextConnId = 1;
  private draining = false;
  private drainWaiters: Array<() => void> = [];

  constructor(private readonly opts: MrcpServerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.counters = opts.counters ?? newNetCounters();
    this.frameClock = opts.frameClock ?? new FrameClock();
    this.limits = {
      idleTimeoutMs: opts.mrcp.idleTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.idleTimeoutMs,
      maxChannels: opts.mrcp.maxChannels ?? DEFAULT_CONNECTION_LIMITS.maxChannels,
      maxWriteBuffer: opts.mrcp.maxWriteBuffer ?? DEFAULT_CONNECTION_LIMITS.maxWriteBuffer,
      maxMessageSize: opts.mrcp.maxMessageSize ?? DEFAULT_CONNECTION_LIMITS.maxMessageSize,
    };
    this.sip = new SipStack({ ...opts.sip, logger: opts.sip.logger ?? this.logger });
    this.sip.delegate = { onInvite: (call) => this.onInvite(call) };
    this.ctx = this.makeContext();
  }

  private makeContext(): ServerContext {
    const o = this.opts;
    return {
      clock: this.clock,
      logger: this.logger,
      counters: this.counters,
      engines: o.engines,
      codecs: o.codecs ?? DEFAULT_SERVER_CODECS,
      resources: o.resources ?? ['speechsynth', 'speechrecog', 'recorder'],
      hostName: o.mrcp.advertise ?? o.mrcp.host,
      rtpAddress: o.rtp.advertise ?? o.rtp.host,
      mrcpAddress: o.mrcp.advertise ?? o.mrcp.host,
      mrcpPort: () => this.port,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      sessionOptions: {
        ...(o.channel?.defaultLanguage ? { defaultLanguage: o.channel.defaultLanguage } : {}),
        ...(o.channel?.limits ? { limits: o.channel.limits } : {}),
        ...(o.channel?.localBargeIn !== undefined ? { localBargeIn: o.channel.localBargeIn } : {}),
      },
      audioOptions: (logger) => ({
        pool: o.rtp.pool,
        host: o.rtp.host,
        frameClock: this.frameClock,
        logger,
        ...(o.rtp.clock ? { clock: o.rtp.clock } : {}),
        ...(o.rtp.counters ? { counters: o.rtp.counters } : {}),
      }),
      unregister: (s) => {
        if (this.sessions.get(s.id) === s) this.sessions.delete(s.id);
        if (this.sessions.size === 0) for (const w of this.drainWaiters.splice(0)) w();
      },
    };
  }

  // --- lifecycle ---

  async start(): Promise<void> {
    if (this.tcp) return;
    const tcp = createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.opts.mrcp.port, this.opts.mrcp.host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    tcp.on('error', (err) => this.logger.error(`MRCP listener error: ${err.message}`));
    this.tcp = tcp;
    const addr = tcp.address();
    this.port = typeof addr === 'object' && addr ? addr.port : this.opts.mrcp.port;
    try {
      await this.sip.start();
    } catch (err) {
      await this.closeTcp();
      throw err;
    }
    this.logger.info('MRCP server started', {
      mrcp: `${this.opts.mrcp.host}:${this.port}`,
      sip: this.sip.listeners(),
    });
  }

  /** New sessions get 503; resolves when every session has ended. */
  drain(): Promise<void> {
    this.draining = true;
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Ends every session (BYE), closes every connection and the listeners. */
  async stop(): Promise<void> {
    this.draining = true;
    for (const s of [...this.sessions.values()]) s.close('shutdown');
    for (const c of [...this.connections]) c.close('shutdown');
    await this.sip.stop();
    await this.closeTcp();
    for (const w of this.drainWaiters.splice(0)) w();
  }

  private async closeTcp(): Promise<void> {
    const tcp = this.tcp;
    this.tcp = undefined;
    if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
  }

  listeners(): Record<string, boolean> {
    return { [`mrcp-tcp-${this.port}`]: this.tcp !== undefined, ...this.sip.listeners() };
  }

  summary(): string {
    return `mrcp sessions=${this.sessions.size} channels=${this.counters.channelsActive} connections=${this.connections.size}`;
  }

  /** The MRCPv2 TCP port (known after start). */
  get mrcpPort(): number {
    return this.port;
  }
  /** The port of the SIP listener of `protocol` (known after start). */
  sipPort(protocol: 'UDP' | 'TCP' = 'UDP'): number {
    return this.sip.transport.transports.find((t) => t.protocol === protocol)?.local.port ?? 0;
  }
  get sessionCount(): number {
    return this.sessions.size;
  }
  get connectionCount(): number {
    return this.connections.size;
  }

  // --- SIP ---

  private onInvite(call: IncomingCall): void {
    const max = this.opts.maxSessions ?? 1000;
    if (this.draining || this.sessions.size >= max) {
      count(this.counters.setupFailures, this.draining ? '503 draining' : '503 session-limit');
      call.reject(503, { headers: [['Retry-After', '5']] });
      return;
    }
    let id = randomBytes(8).toString('hex');
    while (this.sessions.has(id)) id = randomBytes(8).toString('hex');
    const s = new ServerSession(this.ctx, id, call);
    this.sessions.set(id, s);
    void s.start().catch((err: unknown) => {
      this.logger.error(`<${id}> session setup failed: ${String(err)}`, { callId: call.callId });
      s.close('setup-error');
    });
  }

  // --- TCP ---

  private accept(socket: Socket): void {
    const max = this.opts.mrcp.maxConnections ?? 1024;
    if (this.connections.size >= max) {
      count(this.counters.dropped, 'connection-limit');
      socket.destroy();
      return;
    }
    const conn = new ServerTcpConnection({
      id: this.nextConnId++,
      socket,
      clock: this.clock,
      logger: this.logger,
      limits: this.limits,
      resolve: (channelId) => this.resolve(channelId),
      onRequest: (req, channel) => this.sessionOf(channel.channelId)?.requestArrived(req, channel),
      onDrop: (cause) => count(this.counters.dropped, cause),
      onClosed: (c) => {
        if (this.connections.delete(c)) this.counters.connectionsActive--;
      },
    });
    this.connections.add(conn);
    this.counters.connectionsActive++;
  }

  private sessionOf(channelId: string): ServerSession | undefined {
    const at = channelId.lastIndexOf('@');
    return at > 0 ? this.sessions.get(channelId.slice(0, at)) : undefined;
  }

  private resolve(channelId: string): ReturnType<ServerSession['find']> {
    const s = this.sessionOf(channelId);
    if (!s || s.state !== 'active') return undefined;
    return s.find(channelId.slice(channelId.lastIndexOf('@') + 1));
  }
}
