/** The public shapes of a media stream: options, events, sources, taps and statistics. */
import type { RtpSessionOptions, RtpSessionStats } from '../../rtp/index.js';
import type { CodecId } from '../../sdp/index.js';
import type { MediaLogger } from '../codec/index.js';
import type { VadOptions, VadState } from '../codec/index.js';
import type { FrameClock } from '../frame-clock.js';

/** PCM rates a stream's application side works at (what the DTMF and VAD primitives take). */
export type StreamRate = 8000 | 16000;

/** Where a digit came from; the call layer adds `info` (SIP INFO) through `stream.injectDigit`. */
export type DigitSource = 'rfc4733' | 'inband' | 'info';

/** One digit, whatever carried it: exactly one event per key press. */
export interface StreamDigit {
  readonly digit: string;
  readonly source: DigitSource;
  /** Tone length when known (RFC 4733 duration, INFO Duration), ms. */
  readonly durationMs: number | undefined;
  /** Stream time of the report (ms since the stream started running). */
  readonly atMs: number;
}

/** A producer of audio: fills 20 ms frames at the stream's rate. */
export interface AudioSource {
  /** PCM rate of the frames it writes (must equal the stream's rate; see `resampled()`). */
  readonly rate: StreamRate;
  /**
   * Writes up to frame.length samples into `frame` from index 0 and returns how many; fewer than
   * frame.length (the rest is filled with silence by the stream) and `done` true mean it ended.
   * A live source with nothing yet (a TTS stream) returns 0 with `done` false: silence goes out.
   */
  read(frame: Int16Array): number;
  readonly done: boolean;
  /** Frees what the source holds (called once when it stops playing, for any reason). */
  close?(): void;
}

export type PlayEnd = 'done' | 'stopped' | 'replaced' | 'closed';

export interface PlayOptions {
  /** Called once when the source stops playing. */
  onEnd?: (why: PlayEnd) => void;
}

/** Sees every tick's audio both ways (recorders, analysers, ASR feeds); frames are reused arrays. */
export interface StreamTap {
  /** `received`: what the peer sent (after jitter buffer, decoding, concealment); `sent`: what we sent. */
  frame(received: Int16Array, sent: Int16Array): void;
  close?(): void;
}

export type InbandDetect = 'auto' | 'on' | 'off';

export interface MediaStreamOptions {
  /** The RTP session to open (pool, host, clock, logger, counters...). */
  readonly rtp: RtpSessionOptions;
  /** The process-wide 20 ms frame clock every stream ticks on. */
  readonly frameClock: FrameClock;
  /** PCM rate of frames in and out: 8000, 16000, or `codec` (the negotiated codec's rate). Default 8000. */
  readonly rate?: StreamRate | 'codec';
  /** In-band DTMF detection: `auto` (default) runs it only when RFC 4733 was not negotiated. */
  readonly inbandDetect?: InbandDetect;
  /** Defaults for in-band generation (tone and gap ms, levels). */
  readonly inbandTone?: { readonly toneMs?: number; readonly gapMs?: number };
  /** Voice activity on received audio (onVad events); off by default. */
  readonly vad?: Omit<VadOptions, 'sampleRate' | 'logger'> | boolean;
  /** Largest audio held between the jitter buffer and the frame (ms); default 200. */
  readonly maxBufferedMs?: number;
  readonly logger?: MediaLogger;
}

export interface MediaStreamEvents {
  /** A received 20 ms frame at the stream's rate (reused array: copy what you keep). */
  onFrame?(frame: Int16Array): void;
  onDigit?(digit: StreamDigit): void;
  /** An RFC 4733 key went down (before its end): barge-in. */
  onDigitBegin?(digit: string): void;
  onVad?(state: VadState, energyDbov: number): void;
  /** No RTP or RTCP for the session's inactivity timeout while receiving. */
  onInactive?(silentForMs: number): void;
  onSsrcChange?(previous: number, next: number): void;
  onLatched?(address: string, port: number): void;
  onRtcpBye?(reason: string | undefined): void;
}

export type MediaStreamState = 'open' | 'running' | 'closed';

export interface MediaStreamStats {
  readonly codec: CodecId | undefined;
  readonly rate: StreamRate;
  readonly rtp: RtpSessionStats;
  /** Frames delivered to the application, and how much of them was concealment or silence (ms). */
  readonly framesReceived: number;
  readonly concealedMs: number;
  readonly silenceMs: number;
  readonly framesSent: number;
  readonly digits: { readonly rfc4733: number; readonly inband: number; readonly info: number };
  /** Received samples dropped because the buffer between jitter buffer and frames was full. */
  readonly overflowSamples: number;
}

export type SendDigitsMethod = 'rfc4733' | 'inband';

export type StreamSendResult =
  | { readonly ok: true; readonly digits: number }
  | { readonly ok: false; readonly reason: 'invalid' | 'full' | 'not-negotiated' | 'not-running' };
