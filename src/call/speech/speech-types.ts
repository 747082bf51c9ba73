/**
 * The speech steps' options and results, shaped after jambonz's `say` and `gather` verbs so the
 * verbs API can expose them with little change: same option names (`input`, `numDigits`,
 * `finishOnKey`, `timeout` and `interDigitTimeout` in seconds, `bargein`, `dtmfBargein`, nested
 * `say`/`play`, `recognizer`, `synthesizer`) and the same result payload (`reason`, `digits`,
 * `speech.alternatives[{transcript, confidence}]`) that jambonz posts to a gather's actionHook.
 */
import type { MrcpSpeechSession, OpenSessionOptions } from '../../mrcp/index.js';

/** Synthesis options (jambonz `synthesizer`); `vendor` names the MRCP server pool. */
export interface SynthesizerOptions {
  /** MRCP server pool (default: the client's first pool, the built-in server). */
  readonly vendor?: string;
  /** Speech-Language (BCP 47), e.g. `en-US`, `cmn`. */
  readonly language?: string;
  /** Voice-Name. */
  readonly voice?: string;
  /** Prosody-Rate (`slow`, `fast`, `1.2`...). */
  readonly rate?: string;
  /** Prosody-Volume (`loud`, `soft`, `80`...). */
  readonly volume?: string;
}

export interface SaySpec {
  readonly type: 'say';
  /** Plain text, or SSML when it starts with `<speak` (or `<?xml`). `{var}` takes a call variable. */
  readonly text: string;
  readonly synthesizer?: SynthesizerOptions;
  /** Times to say it (default 1). */
  readonly loop?: number;
  /** A received digit stops the prompt (the digit stays queued for the next step). Default false. */
  readonly dtmfBargein?: boolean;
}

/** A grammar for the recognizer: a URI (`builtin:grammar/boolean`, `session:x`, http...) or inline. */
export type GrammarRef =
  | { readonly uri: string; readonly weight?: number }
  | { readonly body: string; readonly contentType: string };

/** Recognition options (jambonz `recognizer`); `vendor` names the MRCP server pool. */
export interface RecognizerOptions {
  readonly vendor?: string;
  readonly language?: string;
  /** Grammars (needed when `input` has `speech`); builtins such as `builtin:grammar/boolean`. */
  readonly grammars?: readonly GrammarRef[];
  /** Confidence-Threshold 0–1 (below: no match). */
  readonly confidenceThreshold?: number;
  /** N-Best-List-Length. */
  readonly nBest?: number;
  /** Speech-Complete-Timeout, seconds. */
  readonly speechCompleteTimeout?: number;
  /** Speech-Incomplete-Timeout, seconds. */
  readonly speechIncompleteTimeout?: number;
  /** Recognition-Timeout (longest utterance), seconds. */
  readonly maxDuration?: number;
  /** Sensitivity-Level 0–1. */
  readonly sensitivity?: number;
  /** Any other MRCP header, e.g. vendor parameters. */
  readonly headers?: Readonly<Record<string, string>>;
}

export type GatherInput = 'digits' | 'speech';

export interface GatherSpec {
  readonly type: 'gather';
  /** What counts as input (default `['digits']`). */
  readonly input?: readonly GatherInput[];
  /** Exactly this many digits end the input. */
  readonly numDigits?: number;
  /** Fewer digits than this are not a result (default 1). */
  readonly minDigits?: number;
  /** This many digits end the input (default 32). */
  readonly maxDigits?: number;
  /** Key that ends the digits (not part of them), e.g. `#`. */
  readonly finishOnKey?: string;
  /** Seconds of silence after the prompt (or after the last digit, with none yet) → `timeout`. Default 5. */
  readonly timeout?: number;
  /** Seconds allowed between digits (default: `timeout`). */
  readonly interDigitTimeout?: number;
  /** Caller speech stops the prompt, and recognition starts with the prompt. Default true. */
  readonly bargein?: boolean;
  /** A digit stops the prompt. Default true when `input` has `digits`. */
  readonly dtmfBargein?: boolean;
  /** Nested prompt: text to say... */
  readonly say?: Omit<SaySpec, 'type' | 'dtmfBargein'>;
  /** ...or a file to play (relative to the prompts folder). */
  readonly play?: { readonly file: string };
  readonly recognizer?: RecognizerOptions;
}

export type GatherReason = 'dtmfDetected' | 'speechDetected' | 'timeout' | 'noMatch' | 'error';

export interface SpeechAlternative {
  readonly transcript: string;
  readonly confidence: number;
  /** The grammar's semantic result (SISR instance): `true` for "yes" with builtin:grammar/boolean. */
  readonly interpretation?: string | Readonly<Record<string, string>>;
}

/** What a gather leaves: jambonz's actionHook payload. */
export interface GatherPayload {
  readonly reason: GatherReason;
  readonly digits?: string;
  readonly speech?: {
    readonly is_final: true;
    readonly language_code: string;
    readonly alternatives: readonly SpeechAlternative[];
  };
  /** For `noMatch` and `error`: the MRCP completion cause or the client's error code. */
  readonly cause?: string;
  /** Human-readable detail of an error. */
  readonly details?: string;
}

/** What a say leaves. */
export interface SayPayload {
  /** `normal`, `barge-in`, or the failure's cause (`language-unsupported`, `parse-failure`, `no-server`...). */
  readonly cause: string;
  readonly details?: string;
}

export type StepPayload = GatherPayload | SayPayload;

/** Where speech sessions come from: the daemon's MRCP client. */
export interface SpeechProvider {
  openSession(o: OpenSessionOptions): Promise<MrcpSpeechSession>;
}

export interface CallSpeechOptions {
  readonly provider: SpeechProvider;
  /** Default pool (default: the provider's first). */
  readonly pool?: string;
  /** Default Speech-Language of say and gather (default: the server's). */
  readonly language?: string;
  /** Frames of synthesized audio buffered towards the caller (default 3 = 60 ms). */
  readonly promptQueueFrames?: number;
}
