/**
 * A recognition's end as a gather payload (jambonz's actionHook shape): RECOGNITION-COMPLETE
 * causes (RFC 6787 §9.4.11) map to `speechDetected` (with the NLSML N-best as
 * `speech.alternatives`), `noMatch`, `timeout` or `error` with the cause kept.
 */
import type { RecognizeResult } from '../../mrcp/index.js';
import type { GatherPayload, SpeechAlternative } from './speech-types.js';

const NO_MATCH = new Set(['no-match', 'no-match-maxtime', 'partial-match', 'partial-match-maxtime']);

export function speechPayload(r: RecognizeResult, language: string): GatherPayload {
  const cause = r.cause ?? (r.status >= 300 ? `status-${r.status}` : 'unknown');
  if (cause === 'success' || cause === 'success-maxtime') {
    const alternatives: SpeechAlternative[] = (r.result?.interpretations ?? []).map((i) => ({
      transcript: i.input,
      confidence: i.confidence ?? i.inputConfidence ?? 0,
      interpretation: i.instance,
    }));
    if (alternatives.length === 0) return { reason: 'noMatch', cause };
    return {
      reason: 'speechDetected',
      speech: { is_final: true, language_code: language, alternatives },
    };
  }
  if (NO_MATCH.has(cause)) return { reason: 'noMatch', cause };
  if (cause === 'no-input-timeout' || cause === 'hotword-maxtime') return { reason: 'timeout', cause };
  return { reason: 'error', cause, ...(r.reason ? { details: r.reason } : {}) };
}

/** The payload's interpretation as one call variable (objects as JSON). */
export function interpretationText(i: SpeechAlternative['interpretation']): string {
  if (i === undefined) return '';
  return typeof i === 'string' ? i : JSON.stringify(i);
}
