/**
 * A gather's recognizer options as one RECOGNIZE (RFC 6787 §9.9): grammar URIs as a
 * text/uri-list (text/grammar-ref-list with weights), one inline grammar as the body, several
 * inline grammars first defined with DEFINE-GRAMMAR (§9.8) and then referenced as `session:`;
 * timeouts and thresholds as RECOGNIZE headers (§9.4).
 */
import type { MrcpSpeechSession, RecognizeOptions } from '../../mrcp/index.js';
import type { GrammarRef, RecognizerOptions } from './speech-types.js';

const secondsMs = (s: number): string => String(Math.max(0, Math.round(s * 1000)));

/** RECOGNIZE headers for the options; `timeoutSeconds` is the gather's no-input timeout. */
export function recognizeHeaders(
  o: RecognizerOptions | undefined,
  language: string | undefined,
  timeoutSeconds: number,
): Record<string, string> {
  const h: Record<string, string> = { 'No-Input-Timeout': secondsMs(timeoutSeconds) };
  if (language) h['Speech-Language'] = language;
  if (o?.confidenceThreshold !== undefined) h['Confidence-Threshold'] = String(o.confidenceThreshold);
  if (o?.nBest !== undefined) h['N-Best-List-Length'] = String(o.nBest);
  if (o?.speechCompleteTimeout !== undefined)
    h['Speech-Complete-Timeout'] = secondsMs(o.speechCompleteTimeout);
  if (o?.speechIncompleteTimeout !== undefined)
    h['Speech-Incomplete-Timeout'] = secondsMs(o.speechIncompleteTimeout);
  if (o?.maxDuration !== undefined) h['Recognition-Timeout'] = secondsMs(o.maxDuration);
  if (o?.sensitivity !== undefined) h['Sensitivity-Level'] = String(o.sensitivity);
  for (const [k, v] of Object.entries(o?.headers ?? {})) h[k] = v;
  for (const k of Object.keys(h)) h[k] = (h[k] as string).replace(/[\r\n]+/g, ' ');
  return h;
}

const isUri = (g: GrammarRef): g is Extract<GrammarRef, { uri: string }> => 'uri' in g;

/**
 * The grammar part of the RECOGNIZE. Several inline grammars are defined first (each a
 * DEFINE-GRAMMAR round trip); a failed definition rejects with its completion cause.
 */
export async function grammarOptions(
  session: MrcpSpeechSession,
  grammars: readonly GrammarRef[],
  idPrefix: string,
): Promise<Pick<RecognizeOptions, 'uris' | 'weights' | 'grammar'>> {
  const only = grammars[0];
  if (grammars.length === 1 && only && !isUri(only)) {
    return { grammar: { body: only.body, contentType: only.contentType } };
  }
  const uris: string[] = [];
  const weights: number[] = [];
  let n = 0;
  for (const g of grammars) {
    if (isUri(g)) {
      uris.push(g.uri.replace(/[\r\n<>]+/g, ''));
      weights.push(g.weight ?? 1);
      continue;
    }
    const id = `${idPrefix}-${n++}`;
    const r = await session.defineGrammar(id, g.body, g.contentType);
    if (r.cause !== 'success') throw new GrammarDefinitionError(r.cause ?? `status-${r.status}`, r.reason);
    uris.push(`session:${id}`);
    weights.push(1);
  }
  return weights.every((w) => w === 1) ? { uris } : { uris, weights };
}

export class GrammarDefinitionError extends Error {
  constructor(
    readonly completionCause: string,
    reason: string | undefined,
  ) {
    super(reason ?? `grammar definition failed: ${completionCause}`);
    this.name = 'GrammarDefinitionError';
  }
}
