/**
 * Typed views of how a request ended, for the client's callers: the completion cause (§8.4.3,
 * §9.4.11, §10.4.3), whether our STOP/BARGE-IN-OCCURRED ended it, the NLSML result of a
 * recognition (`application/nlsml+xml` or UniMRCP's `application/x-nlsml`), the recording's URI.
 */
import { getHeader } from '../codec/header-values.js';
import { bodyText, headerValue, type MrcpEvent, type MrcpResponse } from '../codec/message.js';
import type { RecogCause, RecorderCause, SynthCause } from '../codec/tables.js';
import { isNlsmlContentType, parseNlsml, type NlsmlResult } from '../nlsml/nlsml.js';
import type { RequestEnd } from './client-channel.js';

export interface CompletionResult<C extends string = string> {
  readonly requestId: number;
  /** The request's response status (a completion event implies 200). */
  readonly status: number;
  /** Completion-Cause name, when the end carried one. */
  readonly cause: C | undefined;
  readonly causeCode: number | undefined;
  /** Ended by our STOP or BARGE-IN-OCCURRED: no completion event follows (§8.5, §9.7). */
  readonly stopped: boolean;
  /** Completion-Reason, when given. */
  readonly reason: string | undefined;
  readonly message: MrcpResponse | MrcpEvent;
}

export type SpeakResult = CompletionResult<SynthCause>;

export interface RecognizeResult extends CompletionResult<RecogCause> {
  /** The NLSML result (RECOGNITION-COMPLETE, INTERPRETATION-COMPLETE, GET-RESULT). */
  readonly result: NlsmlResult | undefined;
  /** Why the body was not read as NLSML, when it was not. */
  readonly resultError: string | undefined;
}

export interface RecordResult extends CompletionResult<RecorderCause> {
  /** Record-URI: `<uri>;size=..;duration=..` as the server wrote it. */
  readonly recordUri: string | undefined;
}

export function completionOf<C extends string>(requestId: number, end: RequestEnd): CompletionResult<C> {
  const cause = getHeader(end.headers, 'Completion-Cause');
  return {
    requestId,
    status: end.kind === 'response' ? end.statusCode : 200,
    cause: cause.present && cause.ok ? (cause.value.name as C) : undefined,
    causeCode: cause.present && cause.ok ? cause.value.code : undefined,
    stopped: end.kind === 'response' && end.requestId !== requestId,
    reason: headerValue(end.headers, 'Completion-Reason'),
    message: end,
  };
}

/** Reads an NLSML body of either content type. */
export function nlsmlOf(m: MrcpResponse | MrcpEvent): {
  result: NlsmlResult | undefined;
  error: string | undefined;
} {
  if (m.body.length === 0) return { result: undefined, error: undefined };
  const ct = headerValue(m.headers, 'Content-Type') ?? '';
  if (!isNlsmlContentType(ct)) return { result: undefined, error: `body is ${ct || 'untyped'}, not NLSML` };
  const r = parseNlsml(bodyText(m));
  return r.ok ? { result: r.result, error: undefined } : { result: undefined, error: r.error };
}

export function recognizeResultOf(requestId: number, end: RequestEnd): RecognizeResult {
  const n = nlsmlOf(end);
  return { ...completionOf<RecogCause>(requestId, end), result: n.result, resultError: n.error };
}

export function recordResultOf(requestId: number, end: RequestEnd): RecordResult {
  return {
    ...completionOf<RecorderCause>(requestId, end),
    recordUri: headerValue(end.headers, 'Record-URI'),
  };
}
