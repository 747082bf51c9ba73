/**
 * Outcomes of a dialing run and the typed record the CDR, metrics and API report. SIP final
 * responses are classified per RFC 3261 §21 semantics: before the digits they describe X,
 * after them (an early-media platform still ringing the customer) they describe the customer.
 */
import type { DtmfMethod } from './steps.js';

export const OUTCOMES = [
  'reached_extension',
  'invalid_extension',
  'customer_busy',
  'customer_no_answer',
  'x_busy',
  'x_no_answer',
  'x_rejected',
  'failed',
  /** A plain number (no extension) answered. */
  'answered',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const CANCEL_CAUSES = ['api_hangup', 'caller_gone', 'shutdown'] as const;
export type CancelCause = (typeof CANCEL_CAUSES)[number];

export interface StepRecord {
  index: number;
  type: string;
  /** ms since the run started. */
  startMs: number;
  endMs?: number;
  /** How the step ended (`answered`, `prompt_end`, `sent`, `reprompt`, `timeout`…). */
  result?: string;
}

export interface DigitsRecord {
  digits: string;
  method: DtmfMethod;
  /** Which send of the extension this was (1-based); 0 for digits without the extension. */
  attempt: number;
  atMs: number;
  doneMs?: number;
  ok?: boolean;
}

export interface DialTimings {
  earlyMediaMs?: number;
  answeredMs?: number;
  promptEndMs?: number;
  firstDigitMs?: number;
  lastDigitMs?: number;
  ringbackMs?: number;
  connectedMs?: number;
}

export interface DialResult {
  callId: string;
  outcome: Outcome;
  /** Machine-readable detail (`answer_timeout`, `no_prompt`, `busy_tone`, `cancelled_shutdown`…). */
  detail: string;
  platform: string;
  plan: string;
  trunk: string;
  requestUser: string;
  extension?: string;
  /** The final SIP response code that decided the outcome, when one did. */
  sipCode?: number;
  /** The Reason header (RFC 3326) that came with it. */
  reason?: string;
  /** clock.now() at start (epoch ms with the real clock). */
  startedAt: number;
  durationMs: number;
  /** ms since start. */
  timings: DialTimings;
  /** Sends of the extension. */
  attempts: number;
  digits: DigitsRecord[];
  steps: StepRecord[];
  /** Labels of prompts recognised along the way, in order (bounded). */
  heard: string[];
  cancelled?: CancelCause;
}

/** Final non-2xx to the INVITE: before the digits it is about X, after them about the customer. */
export function classifyRejection(
  sipCode: number,
  afterDigits: boolean,
): { outcome: Outcome; detail: string } {
  const busy = sipCode === 486 || sipCode === 600;
  const noAnswer = sipCode === 408 || sipCode === 480 || sipCode === 487;
  if (afterDigits) {
    if (busy) return { outcome: 'customer_busy', detail: `sip_${sipCode}` };
    if (noAnswer) return { outcome: 'customer_no_answer', detail: `sip_${sipCode}` };
    return { outcome: 'failed', detail: `sip_${sipCode}_after_digits` };
  }
  if (busy) return { outcome: 'x_busy', detail: `sip_${sipCode}` };
  if (noAnswer) return { outcome: 'x_no_answer', detail: `sip_${sipCode}` };
  return { outcome: 'x_rejected', detail: `sip_${sipCode}` };
}

/** What hearing a platform phrase after the digits means (undefined: not decisive here). */
export function phraseOutcome(label: string): { outcome: Outcome; detail: string } | undefined {
  if (label === 'busy') return { outcome: 'customer_busy', detail: 'busy_phrase' };
  if (label === 'noAnswer') return { outcome: 'customer_no_answer', detail: 'no_answer_phrase' };
  if (label === 'unavailable') return { outcome: 'customer_no_answer', detail: 'unavailable_phrase' };
  if (label === 'error') return { outcome: 'failed', detail: 'platform_error_phrase' };
  return undefined;
}

/** What was heard when the far end hung up, and so what the hang-up means. */
export interface HeardSoFar {
  digitsSent: boolean;
  heard: readonly string[];
  busyTone: 'busy' | 'congestion' | undefined;
  ringingHeard: boolean;
}

/** The far end ended the call (BYE): classify by what the call had heard until then. */
export function classifyRemoteEnd(h: HeardSoFar): { outcome: Outcome; detail: string } {
  if (!h.digitsSent) {
    // "业务异常…" then BYE: the platform refused before any extension got through.
    return {
      outcome: 'failed',
      detail: h.heard.includes('error') ? 'platform_error_phrase' : 'platform_hangup',
    };
  }
  if (h.busyTone) return { outcome: 'customer_busy', detail: `${h.busyTone}_tone_then_hangup` };
  if (h.heard.at(-1) === 'invalid') return { outcome: 'invalid_extension', detail: 'invalid_then_hangup' };
  if (h.ringingHeard) return { outcome: 'customer_no_answer', detail: 'hangup_after_ringing' };
  return { outcome: 'failed', detail: 'platform_hangup' };
}
