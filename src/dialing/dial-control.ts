/**
 * The narrow contract between the plan runner and the call layer. The call layer implements
 * DialControl for one outbound leg: it sends the INVITE, reports SIP progress, runs call-progress
 * analysis (src/media/progress) on the received audio, sends DTMF by the method asked, and hangs
 * up. The runner holds no socket, no timer of its own outside `clock`, and no SIP knowledge
 * beyond response codes.
 */
import type { DtmfMethod } from './steps.js';
import type { PromptLabel } from './labels.js';

/** Injected time (fake in tests). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface DialLogger {
  debug(msg: string, meta?: Record<string, unknown>): void;
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
}

/**
 * Call-progress events as src/media/progress reports them (ProgressEvent there; the shapes are
 * kept identical, which test/dialing checks at compile time). Times are media time, ms.
 */
export type MediaProgressEvent =
  | {
      type: 'tone';
      tone: 'ringback' | 'busy' | 'congestion' | 'continuous';
      freqHz: number;
      atMs: number;
      onMs: number;
      offMs: number;
    }
  | { type: 'tone-stopped'; tone: 'ringback' | 'busy' | 'congestion' | 'continuous'; atMs: number }
  | { type: 'voice-start'; atMs: number }
  | { type: 'voice-end'; atMs: number; voiceMs: number }
  | { type: 'audio-class'; audioClass: 'silence' | 'tone' | 'speech' | 'music' | 'noise'; atMs: number }
  | {
      type: 'fingerprint';
      refId: string;
      label: string;
      offsetMs: number;
      endMs: number;
      score: number;
      atMs: number;
    }
  | { type: 'fingerprint-end'; refId: string; label: string; atMs: number };

export interface OriginateRequest {
  callId: string;
  trunk: string;
  /** Request-URI user part, already formatted for the trunk. */
  requestUser: string;
  /** Extra INVITE headers (an extension header when the plan puts it there). */
  headers: Readonly<Record<string, string>>;
}

/** What analysis the plan needs; the call layer loads recordings and talks to the recognizer. */
export interface AnalysisRequest {
  /** Reference recordings for fingerprint matching (WAV files; ids unique per call). */
  references: readonly { id: string; label: PromptLabel; file: string }[];
  /** Phrases for keyword spotting by an MRCP recognizer, per label. */
  keywords: readonly { label: PromptLabel; phrases: readonly string[] }[];
  /** Keep received audio so the runner can learn the prompt it heard (learnReference). */
  learn: boolean;
}

/** What the call layer could set up; a plan's step falls back or fails on what is missing. */
export interface AnalysisSupport {
  fingerprint: boolean;
  keyword: boolean;
  learn: boolean;
}

export interface DtmfCapabilities {
  /** telephone-event negotiated in the answer (or 183's SDP). */
  rfc4733: boolean;
  /** INFO can be sent in the dialog (early or confirmed). */
  info: boolean;
  /** In-band tones possible (a waveform codec). */
  inband: boolean;
}

export interface SendDigitsRequest {
  /** Echoed in digits-done / digits-failed. */
  id: number;
  /** Only 0-9 * # A-D: pauses are the runner's. */
  digits: string;
  method: DtmfMethod;
  toneMs: number;
  gapMs: number;
}

export type HangupCause =
  | 'x_no_answer'
  | 'plan_finished'
  | 'plan_failed'
  | 'invalid_extension'
  | 'customer_busy'
  | 'customer_no_answer'
  | 'cancelled';

export type DialEvent =
  /** A provisional response; earlyMedia when it carried SDP and media flows. */
  | { type: 'progress'; sipCode: number; earlyMedia: boolean }
  /** 200 OK to the INVITE. */
  | { type: 'answered' }
  /** A final non-2xx to the INVITE. `reason`: the Reason header, when present. */
  | { type: 'rejected'; sipCode: number; reason?: string }
  /** The far end ended the call (BYE after answer, or the early dialog died). */
  | { type: 'ended'; sipCode?: number; reason?: string }
  | { type: 'media'; event: MediaProgressEvent }
  /** The recognizer heard a phrase of a label. */
  | { type: 'keyword'; label: PromptLabel; phrase: string; atMs: number }
  /**
   * Keyword spotting stopped for good (no speech session, or the recognizer refused the phrases,
   * e.g. Mandarin on the built-in English PocketSphinx): `keyword` steps fall back as if unsupported.
   */
  | { type: 'keyword-unavailable'; reason: string }
  | { type: 'digits-done'; id: number }
  | { type: 'digits-failed'; id: number; reason: string; sipCode?: number }
  /** The call could not go on (transport error, no route, media failure). */
  | { type: 'failed'; reason: string };

export interface DialControl {
  readonly clock: Clock;
  /** Sends the INVITE; every event about the call goes to `listener`, in order, asynchronously. */
  originate(req: OriginateRequest, listener: (ev: DialEvent) => void): void;
  /** Starts analysis on received audio (early media included). */
  startAnalysis(req: AnalysisRequest): AnalysisSupport;
  /** What DTMF transports the call offers now. */
  dtmfCapabilities(): DtmfCapabilities;
  /** Sends digits; completion comes as digits-done or digits-failed with the same id. */
  sendDigits(req: SendDigitsRequest): void;
  /** Makes the received audio between two media times a reference; false if it cannot. */
  learnReference(id: string, label: PromptLabel, fromMs: number, toMs: number): boolean;
  /** Ends analysis and frees its resources. */
  stopAnalysis(): void;
  /** CANCEL before the answer, BYE after; idempotent. */
  hangup(cause: HangupCause): void;
}
