/**
 * The MRCP sessions' audio path, as ONE swappable file: RtpSession + the media codecs + a shared
 * 20 ms frame ticker → PCM frames at the negotiated codec's rate, and PCM frames → encoded RTP.
 * RFC 4733 digits arrive as `onDigit` and leave through `sendDigits`.
 *
 * This adapter exists because the reusable media stream component (src/media/stream) was not
 * merged when the networked MRCP server and client were written; when it lands, this file is the
 * only one to replace (the sessions use only `MrcpAudio`, `openMrcpAudio` and `FrameTicker`).
 *
 * Frames handed out are 20 ms at the codec's PCM rate (8000 or 16000): packets of another ptime
 * are re-sliced. Every buffer is allocated once per stream and reused.
 */
import {
  alawDecode,
  alawEncode,
  G722Decoder,
  G722Encoder,
  ulawDecode,
  ulawEncode,
} from '../../media/index.js';
import {
  RtpSession,
  type Clock as RtpClock,
  type PortPool,
  type RtpDropCounters,
  type RtpLogger,
} from '../../rtp/index.js';
import type { CodecId, NegotiatedAudio } from '../../sdp/index.js';
import type { Clock } from '../server/clock.js';

export const FRAME_MS = 20;

/** One shared drift-free 20 ms tick for every session (a timer per session would cost far more). */
export interface FrameTicker {
  /** Adds a handler; returns its unsubscribe function. The ticker runs while it has handlers. */
  subscribe(fn: () => void): () => void;
  readonly size: number;
}

export class SharedFrameTicker implements FrameTicker {
  private readonly handlers = new Set<() => void>();
  private handle: unknown;
  private t0 = 0;
  private n = 0;
  /** Handler errors (a broken session must not silence the others). */
  errors = 0;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs = FRAME_MS,
    private readonly maxCatchUp = 3,
  ) {}

  get size(): number {
    return this.handlers.size;
  }

  subscribe(fn: () => void): () => void {
    this.handlers.add(fn);
    if (this.handle === undefined) {
      this.t0 = this.clock.now();
      this.n = 0;
      this.schedule();
    }
    return () => {
      this.handlers.delete(fn);
      if (this.handlers.size === 0 && this.handle !== undefined) {
        this.clock.clearTimeout(this.handle);
        this.handle = undefined;
      }
    };
  }

  private schedule(): void {
    const due = this.t0 + (this.n + 1) * this.periodMs;
    this.handle = this.clock.setTimeout(() => this.fire(), Math.max(0, due - this.clock.now()));
  }

  private fire(): void {
    this.handle = undefined;
    const behind = Math.floor((this.clock.now() - this.t0) / this.periodMs) - this.n;
    let run = Math.max(1, behind);
    if (run > this.maxCatchUp) {
      this.n += run - this.maxCatchUp;
      run = this.maxCatchUp;
    }
    for (let i = 0; i < run; i++) {
      this.n++;
      for (const fn of this.handlers) {
        try {
          fn();
        } catch {
          this.errors++;
        }
      }
    }
    if (this.handlers.size > 0 && this.handle === undefined) this.schedule();
  }
}

/** PCM ↔ payload for one negotiated codec; buffers reused. */
class PayloadCodec {
  readonly sampleRate: number;
  /** Samples in one 20 ms frame. */
  readonly frameSamples: number;
  private readonly out: Uint8Array;
  private pcm: Int16Array;
  private enc: G722Encoder | undefined;
  private dec: G722Decoder | undefined;

  constructor(readonly id: CodecId) {
    this.sampleRate = id === 'G722' || id === 'L16/16000' ? 16000 : 8000;
    this.frameSamples = (this.sampleRate * FRAME_MS) / 1000;
    const bytes = id.startsWith('L16')
      ? this.frameSamples * 2
      : id === 'G722'
        ? this.frameSamples / 2
        : this.frameSamples;
    this.out = new Uint8Array(bytes);
    this.pcm = new Int16Array(this.frameSamples * 3);
    if (id === 'G722') {
      this.enc = new G722Encoder();
      this.dec = new G722Decoder();
    }
  }

  /** Encodes one 20 ms frame; the result is reused by the next call. */
  encode(frame: Int16Array): Uint8Array {
    switch (this.id) {
      case 'PCMA':
        return alawEncode(frame, this.out);
      case 'PCMU':
        return ulawEncode(frame, this.out);
      case 'G722':
        (this.enc as G722Encoder).encode(frame, this.out);
        return this.out;
      default: {
        // L16: network byte order (RFC 3551 §4.5.11).
        const o = this.out;
        for (let i = 0; i < frame.length; i++) {
          const s = frame[i] as number;
          o[2 * i] = (s >> 8) & 0xff;
          o[2 * i + 1] = s & 0xff;
        }
        return o;
      }
    }
  }

  /** Decodes a payload; the result is reused by the next call. */
  decode(payload: Uint8Array): Int16Array {
    const n = this.id.startsWith('L16')
      ? payload.length >> 1
      : this.id === 'G722'
        ? payload.length * 2
        : payload.length;
    if (this.pcm.length < n) this.pcm = new Int16Array(n);
    const pcm = this.pcm.subarray(0, n);
    switch (this.id) {
      case 'PCMA':
        return alawDecode(payload, pcm);
      case 'PCMU':
        return ulawDecode(payload, pcm);
      case 'G722':
        (this.dec as G722Decoder).decode(payload, pcm);
        return pcm;
      default:
        for (let i = 0; i < n; i++) {
          const v = ((payload[2 * i] as number) << 8) | (payload[2 * i + 1] as number);
          pcm[i] = v > 0x7fff ? v - 0x10000 : v;
        }
        return pcm;
    }
  }

  close(): void {
    this.enc?.close();
    this.dec?.close();
  }
}

/** Cuts decoded audio of any packet length into 20 ms frames (bounded: at most 4 frames held). */
class Reframer {
  private readonly buf: Int16Array;
  private fill = 0;
  private readonly frame: Int16Array;
  constructor(private readonly samples: number) {
    this.buf = new Int16Array(samples * 4);
    this.frame = new Int16Array(samples);
  }
  push(pcm: Int16Array, emit: (frame: Int16Array) => void): void {
    let i = 0;
    while (i < pcm.length) {
      const n = Math.min(pcm.length - i, this.buf.length - this.fill);
      this.buf.set(pcm.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
      while (this.fill >= this.samples) {
        this.frame.set(this.buf.subarray(0, this.samples));
        this.buf.copyWithin(0, this.samples, this.fill);
        this.fill -= this.samples;
        emit(this.frame);
      }
    }
  }
}

export interface MrcpAudioOptions {
  pool: PortPool;
  host: string;
  ticker: FrameTicker;
  clock?: RtpClock;
  logger?: RtpLogger;
  counters?: RtpDropCounters;
  /** No RTP for this long while receiving → `onInactive` (default 0 = off: MRCP audio may be silent). */
  inactivityTimeoutMs?: number;
}

export interface MrcpAudioHandlers {
  /** A received 20 ms PCM frame (reused buffer: use it before returning). */
  onFrame?(frame: Int16Array): void;
  /** One RFC 4733 digit per key press. */
  onDigit?(digit: string): void;
  /** The frame to send this tick, or undefined for none (silence is not sent). */
  nextFrame?(): Int16Array | undefined;
}

export type OpenAudioResult =
  | { ok: true; audio: MrcpAudio }
  | { ok: false; code: 'pool_exhausted' | 'bind_failed' | 'bad_host'; message: string };

/** The audio stream of one MRCP session (client or server side). */
export class MrcpAudio {
  handlers: MrcpAudioHandlers = {};
  private codec: PayloadCodec | undefined;
  private reframer: Reframer | undefined;
  private unsubscribe: (() => void) | undefined;
  private recvPtime = FRAME_MS;
  private owedMs = 0;
  private closed = false;
  private receiving = false;
  private sending = false;
  /** Audio frames sent / received (for tests and stats). */
  framesSent = 0;
  framesReceived = 0;

  constructor(
    readonly rtp: RtpSession,
    private readonly ticker: FrameTicker,
  ) {}

  get port(): number {
    return this.rtp.port;
  }
  get rtcpPort(): number | undefined {
    return this.rtp.rtcpPort;
  }
  /** PCM rate of the negotiated codec (8000 before negotiation). */
  get sampleRate(): number {
    return this.codec?.sampleRate ?? 8000;
  }
  get codecId(): CodecId | undefined {
    return this.codec?.id;
  }

  /** Applies the negotiated stream (again after a re-INVITE); starts the tick. */
  configure(a: NegotiatedAudio): void {
    if (this.closed) return;
    if (!this.codec || this.codec.id !== a.codec.id) {
      this.codec?.close();
      this.codec = new PayloadCodec(a.codec.id);
      this.reframer = new Reframer(this.codec.frameSamples);
    }
    this.recvPtime = a.recvPtime > 0 ? a.recvPtime : FRAME_MS;
    this.receiving = a.recv;
    this.sending = a.send;
    this.rtp.configure({
      remoteAddress: a.remote.address,
      remotePort: a.remote.port,
      remoteRtcpAddress: a.remote.rtcpAddress,
      remoteRtcpPort: a.remote.rtcpPort,
      rtcpMux: a.remote.rtcpMux,
      sendPayloadType: a.codec.sendPt,
      recvPayloadType: a.codec.recvPt,
      clockRate: a.codec.clockRate,
      sendPtimeMs: FRAME_MS,
      recvPtimeMs: a.recvPtime,
      ...(a.telephoneEvent
        ? {
            telephoneEvent: {
              sendPayloadType: a.telephoneEvent.sendPt,
              recvPayloadType: a.telephoneEvent.recvPt,
            },
          }
        : {}),
      send: a.send,
      recv: a.recv,
    });
    this.unsubscribe ??= this.ticker.subscribe(() => this.tick());
  }

  /** Queues RFC 4733 digits towards the peer. */
  sendDigits(digits: string): boolean {
    const r = this.rtp.sendDigits(digits);
    return typeof r === 'number' && r > 0;
  }

  /** @internal the RTP session's digit callback. */
  digit(d: string): void {
    if (!this.closed) this.handlers.onDigit?.(d);
  }

  private tick(): void {
    const codec = this.codec;
    if (this.closed || !codec) return;
    const frame = this.sending ? this.handlers.nextFrame?.() : undefined;
    if (frame && frame.length === codec.frameSamples) {
      this.rtp.sendFrame(codec.encode(frame));
      this.framesSent++;
    } else this.rtp.sendFrame(null);
    if (!this.receiving) return;
    // The jitter buffer pops one packet per packet interval: at 30 ms, twice every three ticks.
    this.owedMs += FRAME_MS;
    while (this.owedMs >= this.recvPtime) {
      this.owedMs -= this.recvPtime;
      const f = this.rtp.pop();
      if (!f || f.kind !== 'frame' || !f.buffer) continue;
      const pcm = codec.decode(f.buffer.subarray(f.offset, f.offset + f.length));
      this.reframer?.push(pcm, (fr) => {
        this.framesReceived++;
        this.handlers.onFrame?.(fr);
      });
    }
  }

  /** Stops the tick, closes the sockets and returns the ports to the pool. Idempotent. */
  async close(reason = ''): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.codec?.close();
    await this.rtp.close(reason);
  }
}

/** Opens an RTP port pair for one MRCP session. Never throws. */
export async function openMrcpAudio(opts: MrcpAudioOptions): Promise<OpenAudioResult> {
  let audio: MrcpAudio | undefined;
  const r = await RtpSession.open(
    {
      pool: opts.pool,
      host: opts.host,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.counters ? { counters: opts.counters } : {}),
      inactivityTimeoutMs: opts.inactivityTimeoutMs ?? 0,
    },
    { onDigit: (d) => audio?.digit(d.digit) },
  );
  if (!r.ok) return { ok: false, code: r.code, message: r.message };
  audio = new MrcpAudio(r.session, opts.ticker);
  return { ok: true, audio };
}
