/**
 * The engine plugin contract: synthesizer, recognizer and recorder engines behind the resource
 * state machines. Rules every engine follows (the machines enforce what they can):
 * - never block the event loop: start work and report back through the callbacks/promises;
 * - audio is Int16Array PCM at the channel's declared `sampleRate`;
 * - a failure is reported with a completion cause, and fails only its own request; a throw or a
 *   missed deadline is turned into the `error` / `recognizer-error` cause by the machine;
 * - `cancel()` stops all work of a task; no callback of a cancelled task has any effect.
 * The machines own the protocol (responses, events, timers); engines own audio and matching.
 */
import type { HeaderField } from '../codec/message.js';
import type { VendorParam } from '../codec/header-values.js';
import type { RecogCause, RecorderCause, SynthCause } from '../codec/tables.js';
import type { InputMode, NlsmlInterpretation } from '../nlsml/nlsml.js';

/** An error an engine throws or rejects with, naming the completion cause it stands for. */
export class EngineError<C extends string = string> extends Error {
  constructor(
    readonly completionCause: C,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** What every job carries: who asked, and the parameters in force (channel params + request). */
export interface JobBase {
  /** `<session>@<resource>`. */
  channelId: string;
  requestId: number;
  sampleRate: number;
  language: string;
  /** Effective MRCP headers (SET-PARAMS defaults overlaid by the request's own). */
  params: readonly HeaderField[];
  /** Vendor-Specific-Parameters in force, passed through untouched (§6.2.16). */
  vendor: readonly VendorParam[];
}

// ---------------------------------------------------------------- synthesizer (§8)

export type SynthFailure = Exclude<SynthCause, 'normal' | 'barge-in' | 'cancelled'>;

export interface SpeakJob extends JobBase {
  /** Lower-cased media type of the body: text/plain, application/ssml+xml or text/uri-list. */
  contentType: string;
  body: Uint8Array;
  text: string;
}

/** Where a synthesizer writes its audio; owned by the synthesizer machine. */
export interface SynthOutput {
  /** Queues samples; false when the bounded buffer is full: wait for `onDrain` before writing more. */
  write(samples: Int16Array): boolean;
  /** Called once when the buffer has room again after `write` returned false. */
  onDrain(cb: () => void): void;
  /** A `<mark name>` reached at the current write position; SPEECH-MARKER is sent when played out. */
  marker(name: string): void;
  /** No more audio. SPEAK-COMPLETE (normal) follows once everything queued has played. */
  end(): void;
  fail(cause: SynthFailure, reason?: string): void;
}

export interface SynthControl {
  restart?: boolean;
  jump?: string;
  playedSamples: number;
}

export interface SynthTask {
  cancel(): void;
  /**
   * CONTROL (§8.8): restart from the beginning and/or jump (Jump-Size) from `playedSamples`, the
   * playout position (the engine may have written ahead of it). On true the machine has dropped
   * the queued audio and the engine writes from the new position; false when not supported.
   */
  control?(c: SynthControl): boolean;
}

export interface SynthesizerEngine {
  readonly kind: 'synthesizer';
  readonly name: string;
  /** BCP 47 tags served (prefix match, `en` serves `en-US`); `*` serves any. */
  readonly languages: readonly string[];
  readonly contentTypes: readonly string[];
  speak(job: SpeakJob, out: SynthOutput): SynthTask;
  /** DEFINE-LEXICON (§8.14); rejects with EngineError('lexicon-load-failure') on a bad lexicon. */
  defineLexicon?(lexicon: { contentType: string; contentId?: string; body: Uint8Array }): Promise<void>;
}

// ---------------------------------------------------------------- recognizer (§9)

export interface GrammarSource {
  /** `session:<id>` for defined grammars, the URI for referenced ones. */
  ref: string;
  /** Media type of `text` (application/srgs+xml, application/srgs, ...), or `builtin` / `uri`. */
  contentType: string;
  /** Grammar text for inline and session grammars; absent for builtin: and external URIs. */
  text?: string;
  /** From text/grammar-ref-list `;weight=` (default 1). */
  weight: number;
}

export type RecogFailure = Extract<
  RecogCause,
  | 'grammar-load-failure'
  | 'grammar-compilation-failure'
  | 'grammar-definition-failure'
  | 'recognizer-error'
  | 'uri-failure'
  | 'language-unsupported'
  | 'semantics-failure'
  | 'speech-too-early'
>;

export interface RecognizeJob extends JobBase {
  grammars: readonly GrammarSource[];
  hotword: boolean;
}

/** How far the input so far matches the active grammars. */
export type MatchState = 'none' | 'partial' | 'complete';

/** The engine's final answer when asked to finish. */
export interface RecognitionOutcome {
  match: MatchState;
  mode: InputMode;
  /** Best first; the machine applies Confidence-Threshold and N-Best-List-Length. */
  interpretations: NlsmlInterpretation[];
  /** What was heard or keyed, for `<nomatch/>` results. */
  input?: string;
}

export interface RecognitionListener {
  /** First speech or DTMF: START-OF-INPUT, stops the no-input timer, barge-in. */
  startOfInput(mode: InputMode): void;
  /** After each DTMF digit: none (cannot match) / partial (prefix) / complete (may extend) / final. */
  dtmfState(state: 'none' | 'partial' | 'complete' | 'final'): void;
  /** Speech activity; on a pause the machine arms speech-complete or speech-incomplete. */
  speechState(speaking: boolean, match: MatchState): void;
  /** The final outcome, after `finish()` (or on the engine's own decision). */
  result(outcome: RecognitionOutcome): void;
  fail(cause: RecogFailure, reason?: string): void;
}

export interface RecognizerTask {
  audio(frame: Int16Array): void;
  dtmf(digit: string): void;
  /** Produce the final outcome now through `listener.result`. */
  finish(): void;
  /** Hotword mode: forget the input so far and keep listening. */
  reset(): void;
  cancel(): void;
}

export interface InterpretJob extends JobBase {
  grammars: readonly GrammarSource[];
  text: string;
}

export interface RecognizerEngine {
  readonly kind: 'recognizer';
  readonly name: string;
  readonly languages: readonly string[];
  /** DEFINE-GRAMMAR (§9.8): compile-check; rejects with EngineError(grammar-* cause). */
  defineGrammar?(g: GrammarSource): Promise<void>;
  /** Compiles the grammars and starts listening; rejects with EngineError on a grammar failure. */
  recognize(job: RecognizeJob, listener: RecognitionListener): Promise<RecognizerTask>;
  /** INTERPRET (§9.13): text against grammars. */
  interpret?(job: InterpretJob): Promise<RecognitionOutcome>;
}

// ---------------------------------------------------------------- recorder (§10)

export type RecorderFailure = Extract<RecorderCause, 'uri-failure' | 'error'>;

export interface RecordJob extends JobBase {
  /** Record-URI without angle brackets; empty: the engine chooses where. */
  uri: string;
  mediaType: string;
}

export interface RecordingInfo {
  uri: string;
  /** Octets written. */
  size: number;
  durationMs: number;
}

export interface RecorderTask {
  write(frame: Int16Array): void;
  /** Closes the recording, dropping its last `trimMs` of audio (Trim-Length). */
  finish(opts: { trimMs: number }): Promise<RecordingInfo>;
  cancel(): void;
}

export interface RecorderEngine {
  readonly kind: 'recorder';
  readonly name: string;
  readonly languages: readonly string[];
  record(job: RecordJob): Promise<RecorderTask>;
}

export type MrcpEngine = SynthesizerEngine | RecognizerEngine | RecorderEngine;
