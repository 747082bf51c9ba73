/**
 * The MRCPv2 client: opens speech sessions on any MRCPv2 server (voicegate's own, UniMRCP,
 * vendors') from server pools. Each server is a trunk of the client's own SIP user agent (its
 * transport per server); sessions offer audio with the server's codecs and one control line per
 * resource, or one session per resource. When a server cannot set a session up (no answer,
 * rejection, bad SDP, no TCP), the next server of the pool is tried; a server that just failed
 * is tried last for `retryAfterMs`. Service-shaped: start, drain, stop, listeners, summary.
 */
import { SipStack, type SipStackOptions, type TrunkConfig } from '../../sip/index.js';
import { FrameClock } from '../audio/media-audio.js';
import type { ServedResource } from '../codec/tables.js';
import { count, newNetCounters, type MrcpNetCounters } from '../net/metrics.js';
import { taggedLogger } from '../net/tagged-logger.js';
import { silentLogger, systemClock, type Clock, type MrcpLogger } from '../server/clock.js';
import { ConnectionPool } from './client-connection.js';
import type { ClientContext, ServerTarget } from './client-context.js';
import { FAILOVER_CODES, MrcpClientError } from './client-errors.js';
import { ClientSession } from './client-session.js';
import {
  DEFAULT_CLIENT_LIMITS,
  DEFAULT_TIMEOUTS,
  type MrcpClientOptions,
  type MrcpPoolEntry,
  type MrcpServerEntry,
} from './options.js';
import { MrcpSpeechSession, type SpeechSessionEvents } from './speech-session.js';

export interface OpenSessionOptions {
  resources: readonly ServedResource[];
  /** Pool name (default: the first pool). */
  pool?: string;
  /** The call that owns the session: every log line carries it. */
  callId?: string;
  events?: SpeechSessionEvents;
}

const DEFAULT_CODECS = ['PCMU', 'PCMA', 'G722', 'L16/8000'] as const;

/** `host` → `host:8060` (UniMRCP's SIP port), keeping an explicit port and IPv6 brackets. */
function withPort(sip: string): string {
  if (/^\[.*\]:\d+$/.test(sip) || /^[^:[\]]+:\d+$/.test(sip)) return sip;
  return `${sip}:8060`;
}

export function trunkName(pool: string, server: string): string {
  return `mrcp-${pool}-${server}`;
}

export class MrcpClient {
  readonly name = 'mrcp-client';
  readonly sip: SipStack;
  readonly counters: MrcpNetCounters;
  private readonly clock: Clock;
  private readonly logger: MrcpLogger;
  private readonly frameClock: FrameClock;
  private readonly pools = new Map<string, { entry: MrcpPoolEntry; targets: ServerTarget[]; next: number }>();
  private readonly failedAt = new Map<string, number>();
  private readonly sessions = new Set<MrcpSpeechSession>();
  private readonly connections: ConnectionPool;
  private readonly ctx: ClientContext;
  private draining = false;
  private drainWaiters: Array<() => void> = [];

  constructor(private readonly opts: MrcpClientOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.counters = opts.counters ?? newNetCounters();
    this.frameClock = opts.frameClock ?? new FrameClock();
    const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    const limits = { ...DEFAULT_CLIENT_LIMITS, ...opts.limits };
    const trunks: TrunkConfig[] = [];
    for (const p of opts.pools) {
      const targets = p.servers.map((s: MrcpServerEntry): ServerTarget => {
        const t: ServerTarget = {
          name: `${p.name}/${s.name}`,
          trunk: trunkName(p.name, s.name),
          user: s.user ?? 'mrcp',
          codecs: s.codecs ?? DEFAULT_CODECS,
          entry: s,
        };
        trunks.push({ name: t.trunk, peers: [withPort(s.sip)], transport: s.transport ?? 'udp' });
        return t;
      });
      this.pools.set(p.name, { entry: p, targets, next: 0 });
    }
    const sipOpts: SipStackOptions = {
      ...opts.sip.extra,
      listen: (opts.sip.protocols ?? ['udp', 'tcp']).map((protocol) => ({
        protocol,
        host: opts.sip.host,
        port: opts.sip.port ?? 0,
      })),
      ...(opts.sip.advertise ? { advertise: opts.sip.advertise } : {}),
      trunks,
      unknownPeers: 'reject',
      logger: opts.sip.extra?.logger ?? this.logger,
    };
    this.sip = new SipStack(sipOpts);
    this.connections = new ConnectionPool({
      clock: this.clock,
      logger: this.logger,
      limits,
      connectMs: timeouts.connectMs,
      onDrop: (cause) => count(this.counters.dropped, cause),
      onCountChange: (n) => (this.counters.connectionsActive = n),
    });
    const completion: Record<string, number> = {
      SPEAK: timeouts.speakMs,
      RECOGNIZE: timeouts.recognizeMs,
      INTERPRET: timeouts.recognizeMs,
      RECORD: timeouts.recordMs,
    };
    this.ctx = {
      clock: this.clock,
      logger: this.logger,
      counters: this.counters,
      timeouts,
      limits,
      sip: this.sip,
      connections: this.connections,
      endpoints: new Map(),
      rtpAddress: opts.rtp.host,
      audioOptions: (logger) => ({
        pool: opts.rtp.pool,
        host: opts.rtp.host,
        frameClock: this.frameClock,
        logger,
        ...(opts.rtp.clock ? { clock: opts.rtp.clock } : {}),
        ...(opts.rtp.counters ? { counters: opts.rtp.counters } : {}),
      }),
      completionMs: (m) => completion[m] ?? timeouts.responseMs,
    };
  }

  async start(): Promise<void> {
    await this.sip.start();
  }

  /** New sessions are refused; resolves when every open session has ended. */
  drain(): Promise<void> {
    this.draining = true;
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Closes every session (BYE) and connection, then the SIP user agent. */
  async stop(): Promise<void> {
    this.draining = true;
    for (const s of [...this.sessions]) s.close('shutdown');
    this.connections.closeAll('shutdown');
    await this.sip.stop();
    for (const w of this.drainWaiters.splice(0)) w();
  }

  listeners(): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const [k, v] of Object.entries(this.sip.listeners())) out[`mrcp-client-${k}`] = v;
    return out;
  }

  summary(): string {
    return `mrcp-client sessions=${this.sessions.size} connections=${this.connections.count}`;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }
  get connectionCount(): number {
    return this.connections.count;
  }

  /** The pool's servers in the order to try: round robin, recently failed ones last. */
  private order(pool: { targets: ServerTarget[]; next: number }): ServerTarget[] {
    const n = pool.targets.length;
    const start = pool.next % Math.max(1, n);
    pool.next = (pool.next + 1) % Math.max(1, n);
    const rotated = [...pool.targets.slice(start), ...pool.targets.slice(0, start)];
    const now = this.clock.now();
    const recent = (t: ServerTarget): boolean => {
      const at = this.failedAt.get(t.name);
      return at !== undefined && now - at < this.ctx.timeouts.retryAfterMs;
    };
    return [...rotated.filter((t) => !recent(t)), ...rotated.filter(recent)];
  }

  /** Opens a speech session with these resources on the first server of the pool that can. */
  async openSession(o: OpenSessionOptions): Promise<MrcpSpeechSession> {
    if (this.draining) throw new MrcpClientError('shutdown', 'the MRCP client is shutting down');
    const poolName = o.pool ?? this.opts.pools[0]?.name ?? '';
    const pool = this.pools.get(poolName);
    if (!pool || pool.targets.length === 0)
      throw new MrcpClientError('unknown-pool', `no MRCP server pool "${poolName}"`);
    const resources = [...new Set(o.resources)];
    if (resources.length === 0) throw new MrcpClientError('unknown-resource', 'no resource asked for');
    const log = taggedLogger(
      this.logger,
      `<${o.callId ?? 'mrcp-client'}>`,
      o.callId ? { callId: o.callId } : {},
    );
    const attempts: { server: string; code: MrcpClientError['code']; message: string }[] = [];
    for (const target of this.order(pool)) {
      try {
        const s = await this.tryServer(target, resources, log, o);
        if (attempts.length > 0) this.counters.failovers++;
        this.failedAt.delete(target.name);
        return s;
      } catch (err) {
        if (!(err instanceof MrcpClientError) || !FAILOVER_CODES.has(err.code)) throw err;
        this.failedAt.set(target.name, this.clock.now());
        if (this.failedAt.size > 1024) this.failedAt.clear();
        count(this.counters.setupFailures, err.code);
        attempts.push({ server: target.name, code: err.code, message: err.message });
        log.warn(`MRCP session setup on ${target.name} failed (${err.code}): ${err.message}`);
      }
    }
    throw new MrcpClientError(
      'no-server',
      `no server of pool "${poolName}" could open a session: ${attempts.map((a) => `${a.server} ${a.code}`).join(', ')}`,
      attempts,
    );
  }

  private async tryServer(
    target: ServerTarget,
    resources: readonly ServedResource[],
    log: MrcpLogger,
    o: OpenSessionOptions,
  ): Promise<MrcpSpeechSession> {
    const ref: { speech?: MrcpSpeechSession } = {};
    const events = {
      onEvent: (...a: Parameters<MrcpSpeechSession['event']>) => ref.speech?.event(...a),
      onClosed: (part: ClientSession, reason: string) => ref.speech?.partClosed(part, reason),
    };
    const groups = target.entry.sessionPerResource ? resources.map((r) => [r]) : [resources];
    const parts = groups.map(() => new ClientSession(this.ctx, target, log, events));
    try {
      await Promise.all(parts.map((p, i) => p.open(groups[i] as ServedResource[])));
    } catch (err) {
      for (const p of parts) p.close('setup failed');
      throw err;
    }
    const speech = new MrcpSpeechSession(parts, {
      clock: this.clock,
      logger: log,
      counters: this.counters,
      autoBargeIn: this.opts.autoBargeIn ?? true,
      maxQueuedFrames: this.ctx.limits.maxQueuedFrames,
      server: target.name,
      onEnded: (ended) => {
        this.sessions.delete(ended);
        if (this.sessions.size === 0) for (const w of this.drainWaiters.splice(0)) w();
      },
      ...(o.callId ? { callId: o.callId } : {}),
    });
    ref.speech = speech;
    if (o.events) speech.events = o.events;
    this.sessions.add(speech);
    // A part that ended between its setup and now (a BYE already): the whole session ends.
    const gone = parts.find((p) => p.state === 'closed');
    if (gone) {
      speech.close(gone.closeReason ?? 'closed during setup', gone);
      throw new MrcpClientError('closed', `session ended during setup: ${gone.closeReason ?? ''}`);
    }
    return speech;
  }
}
