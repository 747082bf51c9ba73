/**
 * One RTP session (RFC 3550): a socket pair from the pool, source filtering (negotiated address or
 * latch once), reception (sequence/jitter stats, jitter buffer, RFC 4733 digits), sending driven by
 * the media frame clock (our own SSRC, sequence and timestamp, continuous whatever the audio source),
 * RTCP reports, an inactivity timeout, and drop counters by cause.
 *
 * Receive path per datagram: length → rate cap → (mux: RTCP?) → source → RTP header → payload type
 * → SSRC → stats → jitter buffer | DTMF. No allocation beyond the datagram Node hands us.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { type Clock, systemClock } from './clock.js';
import { type RtpDropCounters, newDropCounters } from './counters.js';
import { isRtcp } from './demux.js';
import { DeadlineTimer } from './deadline-timer.js';
import { DtmfSender } from './dtmf-sender.js';
import { InactivityWatch } from './inactivity-watch.js';
import type { PlayoutFrame } from './jitter-buffer.js';
import { type Logger, silentLogger } from './logger.js';
import { estimateQuality } from './quality.js';
import { ReceivePath } from './receive-path.js';
import { parseRtcp } from './rtcp.js';
import { type ReportSource, RtcpReporter } from './rtcp-reporter.js';
import { bindPair } from './session-sockets.js';
import type {
  RtpSessionDelegate,
  RtpSessionOptions,
  RtpSessionStats,
  RtpStreamConfig,
} from './session-types.js';
import { SendPath } from './send-path.js';
import { SourceFilter } from './source-filter.js';

export type RtpOpenResult =
  | { readonly ok: true; readonly session: RtpSession }
  | {
      readonly ok: false;
      readonly code: 'pool_exhausted' | 'bind_failed' | 'bad_host';
      readonly message: string;
    };

export type SendDigitsResult = number | 'invalid' | 'full' | 'not-negotiated';

export class RtpSession {
  readonly port: number;
  readonly ssrc: number;
  private readonly rtp: Socket;
  private rtcp: Socket | undefined;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly shared: RtpDropCounters;
  readonly drops: RtpDropCounters = newDropCounters();
  private readonly filter: SourceFilter;
  private readonly rtcpFilter: SourceFilter;
  private readonly rx: ReceivePath;
  private cfg: RtpStreamConfig | undefined;
  private reporter: RtcpReporter | undefined;
  private readonly sender: SendPath;
  private rateWindowAt = 0;
  private rateCount = 0;
  private readonly inactivity: InactivityWatch;
  private readonly dtmfTimer: DeadlineTimer;
  private closed = false;
  private closing = false;

  private constructor(
    private readonly options: RtpSessionOptions,
    private readonly delegate: RtpSessionDelegate,
    port: number,
    rtp: Socket,
    rtcp: Socket | undefined,
  ) {
    const random = options.random ?? Math.random;
    this.port = port;
    this.rtp = rtp;
    this.rtcp = rtcp;
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger;
    this.shared = options.counters ?? newDropCounters();
    this.sender = new SendPath(rtp, this.clock, random);
    this.ssrc = this.sender.ssrc;
    const mode = options.sourceFilter ?? 'latch';
    const window = options.latchWindowMs ?? 2000;
    this.filter = new SourceFilter(mode, window, this.log, `rtp:${port}`);
    this.rtcpFilter = new SourceFilter(mode, window, this.log, `rtcp:${port + 1}`);
    this.inactivity = new InactivityWatch(this.clock, options.inactivityTimeoutMs ?? 30_000, (silent) => {
      this.log.info('rtp: media inactivity timeout', { port, silentMs: silent });
      this.call(() => this.delegate.onInactive?.(silent));
    });
    this.dtmfTimer = new DeadlineTimer(this.clock, () => {
      this.rx.dtmf?.poll(this.clock.now());
      this.dtmfTimer.ensure(this.rx.dtmf?.deadline());
    });
    this.rx = new ReceivePath(port, this.log, delegate, (fn) => this.call(fn), this.dtmfTimer);
    rtp.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.onRtpDatagram(msg, rinfo));
    rtp.on('error', (err) => this.log.warn('rtp: socket error', { port, error: err.message }));
    rtcp?.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.onRtcpDatagram(msg, rinfo, this.rtcpFilter));
    rtcp?.on('error', (err) => this.log.warn('rtcp: socket error', { port: port + 1, error: err.message }));
  }

  /** Allocates a port pair from the pool and binds it. Never throws. */
  static async open(options: RtpSessionOptions, delegate: RtpSessionDelegate = {}): Promise<RtpOpenResult> {
    const bound = await bindPair({
      pool: options.pool,
      host: options.host,
      mux: options.rtcpMux ?? false,
      recvBufferSize: options.recvBufferSize ?? 1 << 20,
      sendBufferSize: options.sendBufferSize,
      attempts: options.bindAttempts ?? 16,
      log: options.logger ?? silentLogger,
    });
    if (!bound.ok) return bound;
    return {
      ok: true,
      session: new RtpSession(options, delegate, bound.pair.port, bound.pair.rtp, bound.pair.rtcp),
    };
  }

  get rtcpPort(): number | undefined {
    return this.rtcp ? this.port + 1 : undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Applies (or re-applies, on re-INVITE) what negotiation decided. */
  configure(cfg: RtpStreamConfig): void {
    if (this.closed) return;
    const prev = this.cfg;
    const now = this.clock.now();
    this.cfg = cfg;
    this.rx.configure(cfg, prev, this.options);
    if (cfg.telephoneEvent && (!this.sender.dtmf || prev?.clockRate !== cfg.clockRate)) {
      this.sender.dtmf = new DtmfSender({ clockRate: cfg.clockRate, ...this.options.dtmf, logger: this.log });
    }
    // A new target comes only from signalling; a refresh with the same address keeps the latch.
    if (!prev || prev.remoteAddress !== cfg.remoteAddress || prev.remotePort !== cfg.remotePort) {
      this.filter.setRemote(cfg.remoteAddress, cfg.remotePort, now);
    }
    const rtcpAddress = cfg.rtcpMux ? cfg.remoteAddress : (cfg.remoteRtcpAddress ?? cfg.remoteAddress);
    const rtcpPort = cfg.rtcpMux ? cfg.remotePort : (cfg.remoteRtcpPort ?? cfg.remotePort + 1);
    if (
      this.rtcpFilter.state === 'idle' ||
      this.rtcpFilter.address !== rtcpAddress ||
      this.rtcpFilter.port !== rtcpPort
    ) {
      this.rtcpFilter.setRemote(rtcpAddress, rtcpPort, now);
    }
    if (cfg.rtcpMux && this.rtcp) {
      // RFC 5761: RTCP now shares the RTP port; the odd port stays reserved in the pool.
      this.rtcp.close();
      this.rtcp = undefined;
    }
    this.inactivity.restart(cfg.recv);
    if ((this.options.rtcp?.enabled ?? true) && !this.reporter) {
      this.reporter = new RtcpReporter(
        this.clock,
        this.options.random ?? Math.random,
        {
          sessionKbps: this.options.rtcp?.sessionKbps ?? 80,
          reducedMinimum: this.options.rtcp?.reducedMinimum ?? false,
        },
        this.reportSource(),
        (packet) => this.sendRtcp(packet),
      );
      this.reporter.start();
    }
    this.log.debug('rtp: configured', {
      port: this.port,
      remote: cfg.remoteAddress,
      remotePort: cfg.remotePort,
      send: cfg.send,
      recv: cfg.recv,
    });
  }

  private reportSource(): ReportSource {
    return {
      ssrc: this.ssrc,
      cname: this.options.cname ?? `voicegate@${this.options.host}`,
      clockRate: () => this.cfg?.clockRate ?? 8000,
      sent: () => ({
        packets: this.sender.packets,
        octets: this.sender.octets,
        lastTimestamp: this.sender.lastTimestamp,
        lastAt: this.sender.lastAt,
      }),
      receive: () => (this.rx.remoteSsrc === undefined ? undefined : this.rx.stats),
    };
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error('rtp: delegate threw', { port: this.port, error: (err as Error).message });
    }
  }

  private drop(cause: keyof RtpDropCounters): void {
    this.drops[cause]++;
    this.shared[cause]++;
  }

  /** Common first checks; false when the datagram is dropped. */
  private admit(msg: Buffer, now: number): boolean {
    if (msg.length === 0) {
      this.drop('zeroLength');
      return false;
    }
    if (now - this.rateWindowAt >= 1000) {
      this.rateWindowAt = now;
      this.rateCount = 0;
    }
    if (++this.rateCount > (this.options.maxPacketsPerSecond ?? 400) || !this.cfg || this.closed) {
      this.drop('flood');
      return false;
    }
    return true;
  }

  private onRtpDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    const now = this.clock.now();
    if (!this.admit(msg, now)) return;
    if (this.cfg?.rtcpMux && isRtcp(msg)) return this.onRtcpPacket(msg, rinfo, this.filter, now);
    const cfg = this.cfg as RtpStreamConfig;
    const verdict = this.filter.classify(rinfo.address, rinfo.port, now);
    if (verdict === 'stranger') return this.drop('stranger');
    const invalid = this.rx.validate(msg, cfg);
    if (invalid) return this.drop(invalid);
    if (verdict === 'candidate') {
      this.filter.latch(rinfo.address, rinfo.port);
      this.call(() => this.delegate.onLatched?.(rinfo.address, rinfo.port));
    }
    this.inactivity.touch(now);
    const dropped = this.rx.deliver(msg, now);
    if (dropped) this.drop(dropped);
  }

  private onRtcpDatagram(msg: Buffer, rinfo: RemoteInfo, filter: SourceFilter): void {
    const now = this.clock.now();
    if (!this.admit(msg, now)) return;
    this.onRtcpPacket(msg, rinfo, filter, now);
  }

  private onRtcpPacket(msg: Buffer, rinfo: RemoteInfo, filter: SourceFilter, now: number): void {
    const verdict = filter.classify(rinfo.address, rinfo.port, now);
    if (verdict === 'stranger') return this.drop('stranger');
    const parsed = parseRtcp(msg);
    if (!parsed.ok) return this.drop('malformed');
    if (verdict === 'candidate') filter.latch(rinfo.address, rinfo.port);
    this.inactivity.touch(now);
    const r = this.reporter?.receive(parsed.packets, msg.length);
    this.call(() => this.delegate.onRtcp?.(parsed.packets));
    if (r?.bye) this.call(() => this.delegate.onBye?.(r.reason));
  }

  /** The next frame for playout (jitter buffer), or undefined without a jitter buffer. */
  pop(): PlayoutFrame | undefined {
    return this.rx.jitter?.pop();
  }

  /**
   * One tick of the media frame clock. `payload` is this tick's encoded audio (null: nothing to
   * send, e.g. on hold); `units` its length in timestamp units (default: the send ptime). A queued
   * RFC 4733 digit replaces the audio while it lasts. Sequence and timestamp stay continuous across
   * audio sources; after a gap in ticks the timestamp jumps by the time elapsed and the marker is
   * set (RFC 3551 §4.1). Returns true when a packet was sent.
   */
  sendFrame(payload: Uint8Array | null, units?: number): boolean {
    const cfg = this.cfg;
    if (this.closed || !cfg) return false;
    return this.sender.tick(cfg, payload, units, this.filter.address, this.filter.port);
  }

  /** Marks the next audio packet as the start of a talkspurt (RFC 3551 §4.1). */
  markTalkspurt(): void {
    this.sender.markTalkspurt();
  }

  private sendRtcp(packet: Uint8Array, done?: () => void): boolean {
    const socket = this.cfg?.rtcpMux ? this.rtp : this.rtcp;
    const f = this.cfg?.rtcpMux ? this.filter : this.rtcpFilter;
    if (this.closed || !socket || f.address === undefined) return false;
    socket.send(packet, 0, packet.length, f.port, f.address, done && (() => done()));
    return true;
  }

  /** Queues RFC 4733 digits; they go out on the next ticks, replacing audio. */
  sendDigits(digits: string, options: { durationMs?: number; volume?: number } = {}): SendDigitsResult {
    if (!this.sender.dtmf || !this.cfg?.telephoneEvent) return 'not-negotiated';
    return this.sender.dtmf.enqueue(digits, options);
  }

  get sendingDigits(): boolean {
    return this.sender.dtmf?.sending ?? false;
  }

  getStats(): RtpSessionStats {
    const rx = this.rx;
    const s = rx.stats;
    const expected = s?.expected ?? 0;
    const lost = Math.max(0, s?.lost ?? 0);
    const lossPercent = expected > 0 ? (100 * lost) / expected : 0;
    const jbDelay = rx.jitter?.delayMs ?? 0;
    const rtt = this.reporter?.rttMs;
    const q = estimateQuality({
      delayMs: (rtt ?? 0) / 2 + jbDelay + (this.cfg?.recvPtimeMs ?? 20),
      lossPercent,
    });
    return {
      localPort: this.port,
      localRtcpPort: this.rtcpPort,
      ssrc: this.ssrc,
      remoteSsrc: rx.remoteSsrc,
      remote: {
        address: this.filter.address,
        port: this.filter.port,
        latched: this.filter.state === 'latched',
      },
      sent: { packets: this.sender.packets, octets: this.sender.octets, digits: this.sender.dtmf?.sent ?? 0 },
      received: {
        packets: rx.packets,
        octets: rx.octets,
        expected,
        lost,
        lossPercent,
        jitterMs: s?.jitterMs ?? 0,
        digits: rx.digits,
      },
      remoteReport: this.reporter?.remoteReport,
      rttMs: rtt,
      rFactor: q.rFactor,
      mos: q.mos,
      ssrcChanges: rx.ssrcChanges,
      drops: { ...this.drops },
      jitterBuffer: rx.jitter
        ? {
            ...rx.jitter.stats,
            delayMs: rx.jitter.delayMs,
            targetMs: rx.jitter.target * (this.cfg?.recvPtimeMs ?? 20),
          }
        : undefined,
      rtcp: { sent: this.reporter?.sent ?? 0, received: this.reporter?.received ?? 0 },
      recvBufferSize: this.rtp.getRecvBufferSize(),
    };
  }

  /** Sends RTCP BYE (§6.6), closes the sockets, clears every timer and returns the port. Idempotent. */
  async close(reason = ''): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    if (this.reporter && this.cfg) {
      // The socket must stay open until the BYE has left (dgram sends on a later tick).
      const reporter = this.reporter;
      await new Promise<void>((resolve) => {
        try {
          if (!this.sendRtcp(reporter.build(reason), resolve)) resolve();
        } catch (err) {
          this.log.warn('rtcp: BYE not sent', { port: this.port, error: (err as Error).message });
          resolve();
        }
      });
    }
    this.closed = true;
    this.reporter?.stop();
    this.inactivity.stop();
    this.dtmfTimer.stop();
    this.sender.dtmf?.clear();
    this.rx.jitter?.reset();
    const closing = [this.rtp, this.rtcp].filter((s): s is Socket => s !== undefined);
    this.rtcp = undefined;
    await Promise.all(closing.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.options.pool.release(this.port);
    this.log.debug('rtp: closed', { port: this.port });
  }
}
