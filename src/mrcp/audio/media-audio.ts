/**
 * The audio of one MRCP session (client or server side) on the media layer's MediaStream: RTP +
 * codec (PCMA, PCMU, G.722, L16) + jitter buffer + concealment on the process-wide 20 ms frame
 * clock. Frames in and out are 20 ms at the first negotiated codec's PCM rate (8000 or 16000;
 * the stream resamples if a re-INVITE changes the codec); digits arrive from RFC 4733, or from
 * in-band detection when RFC 4733 was not negotiated, as one event per key press.
 *
 * The sessions see only this small face (handlers, configure, sendDigits, close).
 */
import {
  FrameClock,
  MediaStream,
  type AudioSource,
  type MediaLogger,
  type StreamRate,
} from '../../media/index.js';
import type { Clock as RtpClock, PortPool, RtpDropCounters } from '../../rtp/index.js';
import type { CodecId, NegotiatedAudio } from '../../sdp/index.js';

export interface MrcpAudioOptions {
  pool: PortPool;
  host: string;
  /** The process-wide 20 ms frame clock (one per daemon, shared with the call layer). */
  frameClock: FrameClock;
  clock?: RtpClock;
  logger?: MediaLogger;
  counters?: RtpDropCounters;
}

export interface MrcpAudioHandlers {
  /** A received 20 ms PCM frame, every tick (silence when nothing arrived; a reused buffer). */
  onFrame?(frame: Int16Array): void;
  /** One digit per key press. */
  onDigit?(digit: string): void;
  /** The frame to send this tick, or undefined for silence. */
  nextFrame?(): Int16Array | undefined;
}

export type OpenAudioResult =
  | { ok: true; audio: MrcpAudio }
  | { ok: false; code: 'pool_exhausted' | 'bind_failed' | 'bad_host'; message: string };

/** Plays whatever `nextFrame` hands out, tick by tick: a live source, silence when it has nothing. */
class PullSource implements AudioSource {
  readonly done = false;
  constructor(
    readonly rate: StreamRate,
    private readonly audio: MrcpAudio,
  ) {}
  read(frame: Int16Array): number {
    const f = this.audio.handlers.nextFrame?.();
    if (!f) return 0;
    const n = Math.min(f.length, frame.length);
    frame.set(n === f.length ? f : f.subarray(0, n));
    return n;
  }
}

export class MrcpAudio {
  handlers: MrcpAudioHandlers = {};
  private closed = false;

  constructor(readonly stream: MediaStream) {
    stream.events = {
      onFrame: (f) => this.handlers.onFrame?.(f),
      onDigit: (d) => this.handlers.onDigit?.(d.digit),
    };
  }

  get port(): number {
    return this.stream.port;
  }
  get rtcpPort(): number | undefined {
    return this.stream.rtcpPort;
  }
  /** PCM rate of frames in and out (8000 before negotiation). */
  get sampleRate(): StreamRate {
    return this.stream.rate;
  }
  get codecId(): CodecId | undefined {
    return this.stream.codecId;
  }

  /** Applies the negotiated stream (again after a re-INVITE); audio flows from then on. */
  configure(a: NegotiatedAudio): void {
    if (this.closed) return;
    this.stream.configure(a);
    if (!this.stream.isPlaying) this.stream.play(new PullSource(this.stream.rate, this));
  }

  /** Sends digits towards the peer: RFC 4733 when negotiated, else in-band tones. */
  sendDigits(digits: string): boolean {
    return this.stream.sendDigits(digits, this.stream.telephoneEvent ? 'rfc4733' : 'inband').ok;
  }

  /** Stops the stream and returns its ports to the pool. Idempotent. */
  async close(reason = ''): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stream.close(reason);
  }
}

/** Opens the RTP port pair of one MRCP session. Never throws. */
export async function openMrcpAudio(o: MrcpAudioOptions): Promise<OpenAudioResult> {
  const r = await MediaStream.open({
    rtp: {
      pool: o.pool,
      host: o.host,
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.logger ? { logger: o.logger } : {}),
      ...(o.counters ? { counters: o.counters } : {}),
      // MRCP audio may stay silent for long (a recognizer waiting): no media timeout here.
      inactivityTimeoutMs: 0,
    },
    frameClock: o.frameClock,
    rate: 'codec',
    ...(o.logger ? { logger: o.logger } : {}),
  });
  if (!r.ok) return { ok: false, code: r.code, message: r.message };
  return { ok: true, audio: new MrcpAudio(r.stream) };
}

export { FrameClock };
