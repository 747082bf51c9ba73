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
import { type Clock, type TimerHandle, systemClock } from './clock.js';
import { type RtpDropCounters, newDropCounters } from './counters.js';
import { isRtcp } from './demux.js';
import { DtmfReceiver } from './dtmf-receiver.js';
import { DtmfSender, type EventPacket } from './dtmf-sender.js';
import { JitterBuffer, type PlayoutFrame } from './jitter-buffer.js';
import { type Logger, silentLogger } from './logger.js';
import { RTP_HEADER_SIZE, RtpView, parseRtp, writeRtpHeader } from './packet.js';
import { estimateQuality } from './quality.js';
import { ReceiveStats } from './receive-stats.js';
import { parseRtcp } from './rtcp.js';
import { type ReportSource, RtcpReporter } from './rtcp-reporter.js';
import { bindPair } from './session-sockets.js';
import type {
  ReceivedAudio,
  RtpSessionDelegate,
  RtpSessionOptions,
  RtpSessionStats,
  RtpStreamConfig,
} from './session-types.js';
import { SourceFilter } from './source-filter.js';
import { type TelephoneEvent, readTelephoneEvent, writeTelephoneEvent } from './telephone-event.js';

export type RtpOpenResult =
  | { readonly ok: true; readonly session: RtpSession }
  | {
      readonly ok: false;
      readonly code: 'pool_exhausted' | 'bind_failed' | 'bad_host';
      readonly message: string;
    };

export type SendDigitsResult = number | 'invalid' | 'full' | 'not-negotiated';

const SEND_RING = 8;
const EMPTY = new Uint8Array(0);
const SEND_SLOT = 512;

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
  private readonly view = new RtpView();
  private readonly te: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
  private readonly eventOut: EventPacket = {
    marker: false,
    timestamp: 0,
    event: 0,
    end: false,
    volume: 0,
    duration: 0,
  };
  private readonly audio: ReceivedAudio = {
    payloadType: 0,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    marker: false,
    buffer: EMPTY,
    offset: 0,
    length: 0,
  };
  private readonly ring: Buffer[] = [];
  private ringPos = 0;
  private burst = 0;
  private readonly endBurst = (): void => {
    this.burst = 0;
  };
  private cfg: RtpStreamConfig | undefined;
  private jitter: JitterBuffer | undefined;
  private stats: ReceiveStats | undefined;
  private dtmfRx: DtmfReceiver | undefined;
  private dtmfTx: DtmfSender | undefined;
  private reporter: RtcpReporter | undefined;
  private remoteSsrc: number | undefined;
  private ssrcChanges = 0;
  private seq: number;
  private ts: number;
  private marker = true;
  private lastTickAt = -1;
  private sentPackets = 0;
  private sentOctets = 0;
  private lastSentTimestamp = 0;
  private lastSentAt = -Infinity;
  private receivedPackets = 0;
  private receivedOctets = 0;
  private digitsReceived = 0;
  private rateWindowAt = 0;
  private rateCount = 0;
  private lastRxAt: number;
  private inactivityTimer: TimerHandle | undefined;
  private inactiveReported = false;
  private dtmfTimer: TimerHandle | undefined;
  private dtmfTimerAt = 0;
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
    // RFC 3550 §5.1: random initial SSRC, sequence number and timestamp.
    this.ssrc = Math.floor(random() * 0x100000000) >>> 0;
    this.seq = Math.floor(random() * 0x10000);
    this.ts = Math.floor(random() * 0x100000000) >>> 0;
    const mode = options.sourceFilter ?? 'latch';
    const window = options.latchWindowMs ?? 2000;
    this.filter = new SourceFilter(mode, window, this.log, `rtp:${port}`);
    this.rtcpFilter = new SourceFilter(mode, window, this.log, `rtcp:${port + 1}`);
    this.lastRxAt = this.clock.now();
    for (let i = 0; i < SEND_RING; i++) this.ring.push(Buffer.alloc(SEND_SLOT));
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
    if (!prev || prev.clockRate !== cfg.clockRate || prev.recvPtimeMs !== cfg.recvPtimeMs) {
      this.stats = new ReceiveStats(cfg.clockRate);
      if (this.remoteSsrc !== undefined) this.stats.reset(this.remoteSsrc);
      const jb = this.options.jitterBuffer;
      this.jitter =
        jb === false
          ? undefined
          : new JitterBuffer({ clockRate: cfg.clockRate, frameMs: cfg.recvPtimeMs ?? 20, ...jb });
    }
    const d = this.options.dtmf ?? {};
    if (cfg.telephoneEvent && (!this.dtmfRx || prev?.clockRate !== cfg.clockRate)) {
      this.dtmfRx = new DtmfReceiver(
        (digit) => {
          this.digitsReceived++;
          this.call(() => this.delegate.onDigit?.(digit));
        },
        {
          clockRate: cfg.clockRate,
          ...(d.timeoutMs !== undefined ? { timeoutMs: d.timeoutMs } : {}),
          logger: this.log,
        },
        (event, digit) => this.call(() => this.delegate.onDigitBegin?.(event, digit)),
      );
      this.dtmfTx = new DtmfSender({ clockRate: cfg.clockRate, ...d, logger: this.log });
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
    this.lastRxAt = now;
    this.inactiveReported = false;
    if (this.inactivityTimer !== undefined) this.clock.clearTimeout(this.inactivityTimer);
    this.inactivityTimer = undefined;
    this.armInactivity();
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
        packets: this.sentPackets,
        octets: this.sentOctets,
        lastTimestamp: this.lastSentTimestamp,
        lastAt: this.lastSentAt,
      }),
      receive: () => (this.remoteSsrc === undefined ? undefined : this.stats),
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
    const v = this.view;
    if (parseRtp(v, msg, 0, msg.length) !== 'ok') return this.drop('malformed');
    const pt = v.payloadType;
    const te = cfg.telephoneEvent;
    const isEvent = te !== undefined && (pt === te.recvPayloadType || pt === te.sendPayloadType);
    if (!isEvent && pt !== cfg.recvPayloadType && pt !== cfg.sendPayloadType)
      return this.drop('unknownPayloadType');
    if (!cfg.recv) return this.drop('flood');
    if (verdict === 'candidate') {
      this.filter.latch(rinfo.address, rinfo.port);
      this.call(() => this.delegate.onLatched?.(rinfo.address, rinfo.port));
    }
    this.lastRxAt = now;
    const stats = this.stats as ReceiveStats;
    if (v.ssrc !== this.remoteSsrc) {
      const previous = this.remoteSsrc;
      this.remoteSsrc = v.ssrc;
      stats.reset(v.ssrc);
      if (previous !== undefined) {
        // A new source (the carrier switched media servers): restart stats and playout.
        this.ssrcChanges++;
        this.jitter?.reset();
        this.log.info('rtp: remote SSRC changed', { port: this.port, previous, next: v.ssrc });
        this.call(() => this.delegate.onSsrcChange?.(previous, v.ssrc));
      }
    }
    if (stats.update(v.sequenceNumber, v.payloadLength) === 'jump') return this.drop('malformed');
    this.receivedPackets++;
    this.receivedOctets += v.payloadLength;
    if (isEvent) {
      if (this.dtmfRx && readTelephoneEvent(msg, v.payloadOffset, v.payloadLength, this.te)) {
        this.dtmfRx.packet(v.timestamp, v.marker, this.te, now);
        this.armDtmfTimer();
      }
      return;
    }
    stats.arrival(v.timestamp, now);
    if (this.jitter) {
      const r = this.jitter.push(
        v.sequenceNumber,
        v.timestamp,
        v.marker,
        msg,
        v.payloadOffset,
        v.payloadLength,
        now,
      );
      if (r === 'late' || r === 'duplicate') this.drop('late');
    }
    if (this.delegate.onAudio) {
      const a = this.audio;
      a.payloadType = pt;
      a.sequenceNumber = v.sequenceNumber;
      a.timestamp = v.timestamp;
      a.ssrc = v.ssrc;
      a.marker = v.marker;
      a.buffer = msg;
      a.offset = v.payloadOffset;
      a.length = v.payloadLength;
      try {
        this.delegate.onAudio(a);
      } catch (err) {
        this.log.error('rtp: onAudio threw', { port: this.port, error: (err as Error).message });
      }
      a.buffer = EMPTY;
    }
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
    this.lastRxAt = now;
    const r = this.reporter?.receive(parsed.packets, msg.length);
    this.call(() => this.delegate.onRtcp?.(parsed.packets));
    if (r?.bye) this.call(() => this.delegate.onBye?.(r.reason));
  }

  private armInactivity(): void {
    const timeout = this.options.inactivityTimeoutMs ?? 30_000;
    if (timeout <= 0 || this.inactivityTimer !== undefined || this.closed) return;
    // While we expect no media (hold, sendonly) the check just comes back a full timeout later.
    const due = this.cfg?.recv ? Math.max(1, this.lastRxAt + timeout - this.clock.now()) : timeout;
    this.inactivityTimer = this.clock.setTimeout(() => {
      this.inactivityTimer = undefined;
      const silent = this.clock.now() - this.lastRxAt;
      if (this.cfg?.recv && silent >= timeout && !this.inactiveReported) {
        this.inactiveReported = true;
        this.log.info('rtp: media inactivity timeout', { port: this.port, silentMs: silent });
        this.call(() => this.delegate.onInactive?.(silent));
        return;
      }
      if (!this.inactiveReported) this.armInactivity();
    }, due);
  }

  private armDtmfTimer(): void {
    const at = this.dtmfRx?.deadline();
    if (at === undefined || this.closed) return;
    if (this.dtmfTimer !== undefined && this.dtmfTimerAt <= at) return;
    if (this.dtmfTimer !== undefined) this.clock.clearTimeout(this.dtmfTimer);
    this.dtmfTimerAt = at;
    this.dtmfTimer = this.clock.setTimeout(
      () => {
        this.dtmfTimer = undefined;
        this.dtmfRx?.poll(this.clock.now());
        this.armDtmfTimer();
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  /** The next frame for playout (jitter buffer), or undefined without a jitter buffer. */
  pop(): PlayoutFrame | undefined {
    return this.jitter?.pop();
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
    const step = units ?? Math.round(((cfg.sendPtimeMs ?? 20) * cfg.clockRate) / 1000);
    const now = this.clock.now();
    const frameMs = (step * 1000) / cfg.clockRate;
    if (this.lastTickAt >= 0 && now - this.lastTickAt > 2.5 * frameMs) {
      const missed = Math.round((now - this.lastTickAt) / frameMs) - 1;
      this.ts = (this.ts + missed * step) >>> 0;
      this.marker = true;
    }
    this.lastTickAt = now;
    const ts = this.ts;
    this.ts = (this.ts + step) >>> 0;
    const target = this.filter.address;
    const canSend = cfg.send && target !== undefined;
    if (this.dtmfTx && cfg.telephoneEvent && this.dtmfTx.tick(ts, step, this.eventOut)) {
      const e = this.eventOut;
      if (!canSend) return false;
      const buf = this.sendBuffer(RTP_HEADER_SIZE + 4);
      writeRtpHeader(
        buf,
        0,
        e.marker,
        cfg.telephoneEvent.sendPayloadType,
        this.nextSeq(),
        e.timestamp,
        this.ssrc,
      );
      writeTelephoneEvent(buf, RTP_HEADER_SIZE, e);
      return this.transmit(buf, RTP_HEADER_SIZE + 4, ts, 4);
    }
    if (!payload || !canSend) return false;
    const size = RTP_HEADER_SIZE + payload.length;
    const buf = this.sendBuffer(size);
    writeRtpHeader(buf, 0, this.marker, cfg.sendPayloadType, this.nextSeq(), ts, this.ssrc);
    buf.set(payload, RTP_HEADER_SIZE);
    this.marker = false;
    return this.transmit(buf, size, ts, payload.length);
  }

  /** Marks the next audio packet as the start of a talkspurt (RFC 3551 §4.1). */
  markTalkspurt(): void {
    this.marker = true;
  }

  private nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    return s;
  }

  private sendBuffer(size: number): Buffer {
    // The ring is reused only after the sends queued in this turn went out (dgram sends on a
    // later tick); a burst longer than the ring, or an oversized packet, gets its own buffer.
    if (size > SEND_SLOT || this.burst >= SEND_RING) return Buffer.allocUnsafe(size);
    if (this.burst++ === 0) process.nextTick(this.endBurst);
    const buf = this.ring[this.ringPos] as Buffer;
    this.ringPos = (this.ringPos + 1) % SEND_RING;
    return buf;
  }

  private transmit(buf: Buffer, size: number, ts: number, payloadBytes: number): boolean {
    this.rtp.send(buf, 0, size, this.filter.port, this.filter.address);
    this.sentPackets++;
    this.sentOctets += payloadBytes;
    this.lastSentTimestamp = ts;
    this.lastSentAt = this.clock.now();
    return true;
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
    if (!this.dtmfTx || !this.cfg?.telephoneEvent) return 'not-negotiated';
    return this.dtmfTx.enqueue(digits, options);
  }

  get sendingDigits(): boolean {
    return this.dtmfTx?.sending ?? false;
  }

  getStats(): RtpSessionStats {
    const s = this.stats;
    const expected = s?.expected ?? 0;
    const lost = Math.max(0, s?.lost ?? 0);
    const lossPercent = expected > 0 ? (100 * lost) / expected : 0;
    const jbDelay = this.jitter?.delayMs ?? 0;
    const rtt = this.reporter?.rttMs;
    const q = estimateQuality({
      delayMs: (rtt ?? 0) / 2 + jbDelay + (this.cfg?.recvPtimeMs ?? 20),
      lossPercent,
    });
    return {
      localPort: this.port,
      localRtcpPort: this.rtcpPort,
      ssrc: this.ssrc,
      remoteSsrc: this.remoteSsrc,
      remote: {
        address: this.filter.address,
        port: this.filter.port,
        latched: this.filter.state === 'latched',
      },
      sent: { packets: this.sentPackets, octets: this.sentOctets, digits: this.dtmfTx?.sent ?? 0 },
      received: {
        packets: this.receivedPackets,
        octets: this.receivedOctets,
        expected,
        lost,
        lossPercent,
        jitterMs: s?.jitterMs ?? 0,
        digits: this.digitsReceived,
      },
      remoteReport: this.reporter?.remoteReport,
      rttMs: rtt,
      rFactor: q.rFactor,
      mos: q.mos,
      ssrcChanges: this.ssrcChanges,
      drops: { ...this.drops },
      jitterBuffer: this.jitter
        ? {
            ...this.jitter.stats,
            delayMs: this.jitter.delayMs,
            targetMs: this.jitter.target * (this.cfg?.recvPtimeMs ?? 20),
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
    if (this.inactivityTimer !== undefined) this.clock.clearTimeout(this.inactivityTimer);
    if (this.dtmfTimer !== undefined) this.clock.clearTimeout(this.dtmfTimer);
    this.inactivityTimer = undefined;
    this.dtmfTimer = undefined;
    this.dtmfTx?.clear();
    this.jitter?.reset();
    const closing = [this.rtp, this.rtcp].filter((s): s is Socket => s !== undefined);
    this.rtcp = undefined;
    await Promise.all(closing.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.options.pool.release(this.port);
    this.log.debug('rtp: closed', { port: this.port });
  }
}
