/**
 * jambonz's `dial_call_status` for a callee that was never bridged: from the dialing plan's
 * outcome (a number through CallManager.dial) or from the final SIP status of an INVITE (a SIP
 * URI through originate). Busy is 486/600 (RFC 3261 §21.4.7, §21.6.1), no answer 408/480/487.
 */
import type { DialResult } from '../../dialing/index.js';
import type { DialOutcome } from '../verbs/verb-host.js';

export type DialStatus = DialOutcome['dial_call_status'];

/** Why the attempt stopped on our side, if it did. */
export type LocalStop = 'none' | 'stopped' | 'ring-timeout';

/** A plan that did not reach the callee. */
export function statusOfPlan(r: DialResult | undefined, stop: LocalStop): DialStatus {
  if (stop === 'stopped' || r?.cancelled !== undefined) return 'canceled';
  switch (r?.outcome) {
    case 'customer_busy':
    case 'x_busy':
      return 'busy';
    case 'customer_no_answer':
    case 'x_no_answer':
      return 'no-answer';
    default:
      return 'failed';
  }
}

/** An INVITE that ended before its 2xx. */
export function statusOfSip(sipCode: number | undefined, stop: LocalStop): DialStatus {
  if (stop === 'stopped') return 'canceled';
  if (stop === 'ring-timeout') return 'no-answer';
  if (sipCode === 486 || sipCode === 600) return 'busy';
  if (sipCode === 408 || sipCode === 480 || sipCode === 487) return 'no-answer';
  return 'failed';
}

/** The outcome record without undefined fields (the actionHook payload). */
export function outcome(
  status: DialStatus,
  sipStatus: number | undefined,
  sid: string | undefined,
  durationS?: number,
): DialOutcome {
  return {
    dial_call_status: status,
    ...(sipStatus !== undefined ? { dial_sip_status: sipStatus } : {}),
    ...(sid !== undefined ? { dial_call_sid: sid } : {}),
    ...(durationS !== undefined ? { dial_call_duration: durationS } : {}),
  };
}
