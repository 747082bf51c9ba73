/**
 * The receiving half of a session, after admission and source filtering: RTP header and payload
 * type checks, SSRC changes, RFC 3550 reception statistics, the jitter buffer, RFC 4733 digits and
 * the onAudio hook. One reused view and one reused audio record: no allocation per packet.
 */
import type { RtpDropCounters } from './counters.js';
import type { DeadlineTimer } from './deadline-timer.js';
import { DtmfReceiver } from './dtmf-receiver.js';
import { JitterBuffer } from './jitter-buffer.js';
import type { Logger } from './logger.js';
import { RtpView, parseRtp } from './packet.js';
import { ReceiveStats } from './receive-stats.js';
import type {
  ReceivedAudio,
  RtpSessionDelegate,
  RtpSessionOptions,
  RtpStreamConfig,
} from './session-types.js';
import { type TelephoneEvent, readTelephoneEvent } from './telephone-event.js';

const EMPTY = new Uint8Array(0);

export type DropCause = keyof RtpDropCounters;

export class ReceivePath {
  private readonly view = new RtpView();
  private readonly te: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
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
  private isEvent = false;
  stats: ReceiveStats | undefined;
  jitter: JitterBuffer | undefined;
  dtmf: DtmfReceiver | undefined;
  remoteSsrc: number | undefined;
  ssrcChanges = 0;
  packets = 0;
  octets = 0;
  digits = 0;

  constructor(
    private readonly port: number,
    private readonly log: Logger,
    private readonly delegate: RtpSessionDelegate,
    private readonly call: (fn: () => void) => void,
    private readonly dtmfTimer: DeadlineTimer,
  ) {}

  /** New stats, jitter buffer and digit receiver when the clock rate or packetisation changes. */
  configure(cfg: RtpStreamConfig, prev: RtpStreamConfig | undefined, options: RtpSessionOptions): void {
    if (!prev || prev.clockRate !== cfg.clockRate || prev.recvPtimeMs !== cfg.recvPtimeMs) {
      this.stats = new ReceiveStats(cfg.clockRate);
      if (this.remoteSsrc !== undefined) this.stats.reset(this.remoteSsrc);
      const jb = options.jitterBuffer;
      this.jitter =
        jb === false
          ? undefined
          : new JitterBuffer({ clockRate: cfg.clockRate, frameMs: cfg.recvPtimeMs ?? 20, ...jb });
    }
    if (cfg.telephoneEvent && (!this.dtmf || prev?.clockRate !== cfg.clockRate)) {
      const timeoutMs = options.dtmf?.timeoutMs;
      this.dtmf = new DtmfReceiver(
        (digit) => {
          this.digits++;
          this.call(() => this.delegate.onDigit?.(digit));
        },
        { clockRate: cfg.clockRate, ...(timeoutMs !== undefined ? { timeoutMs } : {}), logger: this.log },
        (event, digit) => this.call(() => this.delegate.onDigitBegin?.(event, digit)),
      );
    }
  }

  /** Header and payload-type checks; the parsed packet stays in the view for deliver(). */
  validate(msg: Buffer, cfg: RtpStreamConfig): DropCause | undefined {
    const v = this.view;
    if (parseRtp(v, msg, 0, msg.length) !== 'ok') return 'malformed';
    const pt = v.payloadType;
    const te = cfg.telephoneEvent;
    this.isEvent = te !== undefined && (pt === te.recvPayloadType || pt === te.sendPayloadType);
    if (!this.isEvent && pt !== cfg.recvPayloadType && pt !== cfg.sendPayloadType)
      return 'unknownPayloadType';
    if (!cfg.recv) return 'flood';
    return undefined;
  }

  /** The validated packet: statistics, then digits or audio. */
  deliver(msg: Buffer, now: number): DropCause | undefined {
    const v = this.view;
    const stats = this.stats as ReceiveStats;
    if (v.ssrc !== this.remoteSsrc) this.newSource(v.ssrc, stats);
    // A.1: a lone packet far from the sequence is not (yet) valid.
    if (stats.update(v.sequenceNumber, v.payloadLength) === 'jump') return 'malformed';
    this.packets++;
    this.octets += v.payloadLength;
    if (this.isEvent) {
      if (this.dtmf && readTelephoneEvent(msg, v.payloadOffset, v.payloadLength, this.te)) {
        this.dtmf.packet(v.timestamp, v.marker, this.te, now);
        this.dtmfTimer.ensure(this.dtmf.deadline());
      }
      return undefined;
    }
    stats.arrival(v.timestamp, now);
    let cause: DropCause | undefined;
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
      if (r === 'late' || r === 'duplicate') cause = 'late';
    }
    const onAudio = this.delegate.onAudio;
    if (onAudio) {
      const a = this.audio;
      a.payloadType = v.payloadType;
      a.sequenceNumber = v.sequenceNumber;
      a.timestamp = v.timestamp;
      a.ssrc = v.ssrc;
      a.marker = v.marker;
      a.buffer = msg;
      a.offset = v.payloadOffset;
      a.length = v.payloadLength;
      try {
        onAudio.call(this.delegate, a);
      } catch (err) {
        this.log.error('rtp: onAudio threw', { port: this.port, error: (err as Error).message });
      }
      a.buffer = EMPTY;
    }
    return cause;
  }

  private newSource(ssrc: number, stats: ReceiveStats): void {
    const previous = this.remoteSsrc;
    this.remoteSsrc = ssrc;
    stats.reset(ssrc);
    if (previous === undefined) return;
    // A new source (the carrier switched media servers): restart statistics and playout.
    this.ssrcChanges++;
    this.jitter?.reset();
    this.log.info('rtp: remote SSRC changed', { port: this.port, previous, next: ssrc });
    this.call(() => this.delegate.onSsrcChange?.(previous, ssrc));
  }
}
