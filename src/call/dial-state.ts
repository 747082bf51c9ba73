/**
 * The state machine of one outbound dial (a request of CallManager.dial):
 *
 *   queued ──admitted by the trunk limiter──▶ dialing ──reached / answered──▶ connected
 *   queued ──cancelled, queue timeout, drain──▶ ended            (no call was placed)
 *   dialing ──plan failed or cancelled──▶ ending ──the call's CDR──▶ ended
 *   connected ──hang-up (ours, theirs, the application's)──▶ ending ──the call's CDR──▶ ended
 *   dialing ──the INVITE could not be sent──▶ ended
 */
import type { DialState } from './dial-types.js';

export const DIAL_EDGES: Readonly<Record<DialState, readonly DialState[]>> = {
  queued: ['dialing', 'ended'],
  dialing: ['connected', 'ending', 'ended'],
  connected: ['ending', 'ended'],
  ending: ['ended'],
  ended: [],
};

export function dialCanGo(from: DialState, to: DialState): boolean {
  return DIAL_EDGES[from].includes(to);
}
