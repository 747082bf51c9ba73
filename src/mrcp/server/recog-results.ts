/**
 * From an engine's outcome to what RECOGNITION-COMPLETE carries (RFC 6787 §9.4.11 causes, §9.6
 * NLSML): Confidence-Threshold and N-Best-List-Length applied, the cause chosen by match and by
 * whether a max-time timer ended the input.
 */
import type { HeaderField } from '../codec/message.js';
import { formatCause, type RecogCause } from '../codec/tables.js';
import type { RecognitionOutcome } from '../engines/engine-types.js';
import { buildNlsml, NLSML_CONTENT_TYPE, type NlsmlResult } from '../nlsml/nlsml.js';

export type FinishReason = 'normal' | 'maxtime';

export interface RecogCompletion {
  cause: RecogCause;
  /** NLSML result, when the cause has one. */
  nlsml?: NlsmlResult;
}

/** Applies the confidence threshold and the N-best length; best first. */
export function filterOutcome(o: RecognitionOutcome, threshold: number, nBest: number): RecognitionOutcome {
  const kept = o.interpretations.filter((i) => (i.confidence ?? 1) >= threshold).slice(0, Math.max(1, nBest));
  return { ...o, interpretations: kept, match: o.match !== 'none' && kept.length === 0 ? 'none' : o.match };
}

export function completionFor(
  o: RecognitionOutcome,
  reason: FinishReason,
  hotword: boolean,
  grammar?: string,
): RecogCompletion {
  const noMatch: NlsmlResult = { interpretations: [], noMatch: true, mode: o.mode };
  if (o.input !== undefined) noMatch.input = o.input;
  const result: NlsmlResult = { interpretations: o.interpretations };
  if (grammar !== undefined) result.grammar = grammar;
  if (o.match === 'complete' && o.interpretations.length > 0) {
    return { cause: reason === 'maxtime' ? 'success-maxtime' : 'success', nlsml: result };
  }
  if (o.match === 'partial' && o.interpretations.length > 0) {
    return { cause: reason === 'maxtime' ? 'partial-match-maxtime' : 'partial-match', nlsml: result };
  }
  if (reason === 'maxtime')
    return { cause: hotword ? 'hotword-maxtime' : 'no-match-maxtime', nlsml: noMatch };
  return { cause: 'no-match', nlsml: noMatch };
}

/** Whether a completion counts as a result (the resource moves to `recognized`, GET-RESULT works). */
export function isResult(cause: RecogCause): boolean {
  return [
    'success',
    'success-maxtime',
    'no-match',
    'partial-match',
    'partial-match-maxtime',
    'no-match-maxtime',
  ].includes(cause);
}

/** A successful match: the next queued RECOGNIZE starts; any other ending cancels the queue (§9.4.?, Cancel-If-Queue). */
export function isSuccess(cause: RecogCause): boolean {
  return cause === 'success' || cause === 'success-maxtime';
}

/** Headers and body of a RECOGNITION-COMPLETE / INTERPRETATION-COMPLETE / GET-RESULT. */
export function completionMessage(
  c: RecogCompletion,
  reason?: string,
): { headers: HeaderField[]; body?: string } {
  const headers: HeaderField[] = [{ name: 'Completion-Cause', value: formatCause('speechrecog', c.cause) }];
  if (reason)
    headers.push({ name: 'Completion-Reason', value: reason.replace(/[\r\n]+/g, ' ').slice(0, 200) });
  if (!c.nlsml) return { headers };
  headers.push({ name: 'Content-Type', value: NLSML_CONTENT_TYPE });
  return { headers, body: buildNlsml(c.nlsml) };
}
