/**
 * The state machine of a call (its legs and the application running on it):
 *
 *   routing ──app starts──▶ ringing ──answered──▶ active ──hangup either side──▶ ending ──legs closed──▶ ended
 *     routing | ringing ──rejected / cancelled / failed──▶ ending
 */
export type CallState = 'routing' | 'ringing' | 'active' | 'ending' | 'ended';

export const CALL_EDGES: Readonly<Record<CallState, readonly CallState[]>> = {
  routing: ['ringing', 'active', 'ending'],
  ringing: ['active', 'ending'],
  active: ['ending'],
  ending: ['ended'],
  ended: [],
};

export function callCanGo(from: CallState, to: CallState): boolean {
  return CALL_EDGES[from].includes(to);
}
