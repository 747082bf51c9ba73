/** Plain counters of the call layer; the daemon publishes them as Prometheus metrics. */

export interface CallCounters {
  /** Calls alive now (gauge). */
  callsActive: number;
  /** Calls started, by direction. */
  callsStarted: Record<string, number>;
  /** Calls answered (200 sent or received). */
  callsAnswered: number;
  /** Calls ended, by how (`bye`, `cancel`, `rejected`, `media-timeout`, `app-finished`...; bounded). */
  callsEnded: Record<string, number>;
  /** Calls refused before a leg existed, by SIP status. */
  callsRefused: Record<string, number>;
  /** Digits received, by source (rfc4733, inband, info). */
  digitsReceived: Record<string, number>;
  /** Seconds of answered talk time, summed. */
  talkSeconds: number;
}

export function newCallCounters(): CallCounters {
  return {
    callsActive: 0,
    callsStarted: {},
    callsAnswered: 0,
    callsEnded: {},
    callsRefused: {},
    digitsReceived: {},
    talkSeconds: 0,
  };
}

const MAX_KEYS = 64;

/** Adds to a keyed counter; unknown keys beyond the bound count as `other`. */
export function bump(rec: Record<string, number>, key: string, n = 1): void {
  const k = key in rec || Object.keys(rec).length < MAX_KEYS ? key : 'other';
  rec[k] = (rec[k] ?? 0) + n;
}
