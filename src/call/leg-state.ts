/**
 * The state machine of one call leg (one SIP dialog with its media stream), both directions:
 *
 *   init ──INVITE in/out──▶ proceeding ──183+SDP (early media)──▶ early
 *     proceeding | early ──200 sent/received──▶ connected ──our BYE──▶ terminating ──▶ terminated
 *     any but terminated ──reject / CANCEL / failure / their BYE──▶ terminated
 */
export type LegState = 'init' | 'proceeding' | 'early' | 'connected' | 'terminating' | 'terminated';

export const LEG_EDGES: Readonly<Record<LegState, readonly LegState[]>> = {
  init: ['proceeding', 'terminated'],
  proceeding: ['early', 'connected', 'terminating', 'terminated'],
  early: ['connected', 'terminating', 'terminated'],
  connected: ['terminating', 'terminated'],
  terminating: ['terminated'],
  terminated: [],
};

export function legCanGo(from: LegState, to: LegState): boolean {
  return LEG_EDGES[from].includes(to);
}

/** Who ended the leg and how (the CDR's end cause). */
export interface LegEnd {
  /** `remote`: the peer (BYE, CANCEL, rejection); `local`: we did (application, limits, shutdown). */
  readonly by: 'remote' | 'local';
  /** The final SIP status when the leg never connected (ours or theirs). */
  readonly sipCode: number | undefined;
  readonly q850: number;
  /** The Reason header as it came or went (RFC 3326). */
  readonly reason: string | undefined;
  /** Short machine name: `bye`, `cancel`, `rejected`, `media-timeout`, `ack-timeout`, `session-expired`, `shutdown`... */
  readonly what: string;
}
