/**
 * What a verb may do to its call: the narrow capability interface verbs are written against.
 * `CallVerbHost` implements it over a `Call` for everything the call layer has (prompts, digits,
 * DTMF out, recordings, hang-up with a Reason, CDR tags). Speech (`say`, speech `gather`),
 * bridging (`dial`) and SIP REFER (`transfer`) are optional capabilities the daemon plugs in
 * from the speech and dialing work; a verb that needs a missing one fails with `unsupported`.
 */
import type { PlayEnd, RecordMode, WavWriterResult } from '../../media/index.js';
import type { Clock } from '../../rtp/index.js';
import type { DtmfSendMethod } from '../call-types.js';
import type { CallLogger } from '../leg-context.js';
import type { Q850Cause } from '../q850.js';

/** Something running that can be stopped; `done` resolves once (also after `stop`). */
export interface Running<T> {
  readonly done: Promise<T>;
  stop(): void;
}

/** Digits received on the call (the call's DigitQueue satisfies it). */
export interface DigitSource {
  readonly size: number;
  take(): string | undefined;
  /** The next digit (consumed); returns the cancel. */
  next(fn: (digit: string) => void): () => void;
  /** Every digit (not consumed); returns the cancel. */
  watch(fn: (digit: string) => void): () => void;
}

export interface HostRecording {
  readonly path: string;
  stop(): Promise<WavWriterResult>;
}

/** Call progress as applications see it (jambonz `call_status`). */
export type CallStatus = 'trying' | 'ringing' | 'early-media' | 'in-progress' | 'completed' | 'failed';

export type HostEvent =
  | { readonly type: 'status'; readonly status: CallStatus; readonly sipStatus?: number }
  | { readonly type: 'digit'; readonly digit: string; readonly source: string };

// --- optional capabilities (implemented by the daemon from the speech and dialing work) ---

export interface SynthesizerSettings {
  readonly vendor?: string | undefined;
  readonly language?: string | undefined;
  readonly voice?: string | undefined;
  readonly rate?: string | undefined;
  readonly volume?: string | undefined;
}

export interface RecognizerSettings {
  readonly vendor?: string | undefined;
  readonly language?: string | undefined;
  /** Grammar URIs (`builtin:grammar/boolean`, http...), in order. */
  readonly grammars?: readonly string[] | undefined;
  readonly hints?: readonly string[] | undefined;
  readonly confidenceThreshold?: number | undefined;
  readonly nBest?: number | undefined;
}

export interface SayRequest {
  /** Plain text, or SSML when it starts with `<speak`. */
  readonly text: string;
  readonly synthesizer: SynthesizerSettings;
}

/** `normal` when spoken to the end, `stopped` after stop(), else the failure cause. */
export interface SayOutcome {
  readonly cause: string;
  readonly details?: string;
}

export type GatherReason = 'dtmfDetected' | 'speechDetected' | 'timeout' | 'noMatch' | 'error';

export interface SpeechGatherRequest {
  readonly input: readonly ('digits' | 'speech')[];
  readonly numDigits?: number | undefined;
  readonly minDigits: number;
  readonly maxDigits: number;
  readonly finishOnKey?: string | undefined;
  /** Seconds. */
  readonly timeout: number;
  readonly interDigitTimeout: number;
  readonly bargein: boolean;
  readonly dtmfBargein: boolean;
  readonly say?: { readonly text: string; readonly loop: number; readonly synthesizer: SynthesizerSettings };
  readonly play?: { readonly file: string };
  readonly recognizer: RecognizerSettings;
}

/** jambonz's gather actionHook payload. */
export interface GatherOutcome {
  readonly reason: GatherReason;
  readonly digits?: string;
  readonly speech?: {
    readonly is_final: boolean;
    readonly language_code?: string;
    readonly alternatives: readonly { readonly transcript: string; readonly confidence: number }[];
  };
  readonly cause?: string;
  readonly details?: string;
}

export interface SpeechCapability {
  say(r: SayRequest): Running<SayOutcome>;
  /** A gather whose input includes speech (digits-only gathers run on the host's digits). */
  gather(r: SpeechGatherRequest): Running<GatherOutcome>;
}

export type DialTarget =
  | { readonly type: 'phone'; readonly number: string; readonly trunk?: string | undefined }
  | { readonly type: 'sip'; readonly sipUri: string; readonly trunk?: string | undefined };

export interface DialRequest {
  readonly targets: readonly DialTarget[];
  readonly callerId?: string | undefined;
  /** Ring timeout, seconds. */
  readonly timeout: number;
  /** Longest bridged time, seconds. */
  readonly timeLimit?: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Privacy-number dialing plan override. */
  readonly plan?: string | undefined;
  /** Answer the caller only once the callee answered (else answered at once). */
  readonly answerOnBridge: boolean;
}

/** jambonz's dial actionHook payload. */
export interface DialOutcome {
  readonly dial_call_status: 'completed' | 'failed' | 'busy' | 'no-answer' | 'canceled';
  readonly dial_sip_status?: number;
  readonly dial_call_sid?: string;
  /** Seconds bridged. */
  readonly dial_call_duration?: number;
}

export interface ReferRequest {
  /** sip: URI, or a number (sent to the trunk's domain). */
  readonly referTo: string;
  readonly referredBy?: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Each NOTIFY's sipfrag status (RFC 3515 §2.4.5). */
  onNotify?(sipStatus: number): void;
}

export interface ReferOutcome {
  /** Final status of the REFER itself (202 when accepted). */
  readonly referStatus: number;
  /** Last NOTIFY sipfrag status (200: the transfer target answered). */
  readonly finalStatus?: number;
}

// --- the host ---

export interface VerbHost {
  readonly callId: string;
  readonly clock: Clock;
  readonly logger: CallLogger;
  readonly digits: DigitSource;
  /** The call is over: verbs finish at once. */
  readonly ended: boolean;
  /** 200 OK (inbound); true when (already) answered. */
  answer(): boolean;
  /** Media flowing: early media when the trunk allows it and not answered yet, else the answer. */
  ensureMedia(): boolean;
  /** Plays a prompt file; `onEnd` once. */
  play(file: string, onEnd: (why: PlayEnd | 'error', detail?: string) => void): void;
  stopPlayback(): void;
  sendDigits(
    digits: string,
    method: DtmfSendMethod | undefined,
    toneMs: number,
    gapMs: number,
  ): Promise<{ ok: true } | { ok: false; reason: string }>;
  record(file: string, mode: RecordMode, maxMs: number): Promise<HostRecording | string>;
  /** BYE (or a final response before the answer) with a Reason header; extra headers as given. */
  hangup(cause: Q850Cause, headers?: ReadonlyArray<[string, string]>): void;
  /** Merges data into the call's CDR `tags`. */
  tag(data: Readonly<Record<string, unknown>>): void;
  /** Call status and digits; returns the unsubscribe. */
  subscribe(fn: (ev: HostEvent) => void): () => void;
  /** Mutes the caller's audio towards a bridge or recorder; false when not available. */
  mute?(on: boolean): boolean;
  readonly speech?: SpeechCapability | undefined;
  dial?(r: DialRequest): Running<DialOutcome>;
  refer?(r: ReferRequest): Running<ReferOutcome>;
}
