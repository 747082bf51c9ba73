/**
 * Plain counters of datagrams dropped by cause, shared by every session of a daemon (it publishes
 * them as Prometheus metrics). Every drop is counted exactly once.
 */
export interface RtpDropCounters {
  /** Not RTP/RTCP at all, or failing the RFC 3550 A.1/A.2 header checks. */
  malformed: number;
  /** From an address other than the negotiated or latched peer. */
  stranger: number;
  /** Arrived while the session expects no media (before negotiation, inactive/sendonly), or above the rate cap. */
  flood: number;
  zeroLength: number;
  /** A payload type that was not negotiated. */
  unknownPayloadType: number;
  /** Too late or duplicated for the jitter buffer. */
  late: number;
}

export function newDropCounters(): RtpDropCounters {
  return { malformed: 0, stranger: 0, flood: 0, zeroLength: 0, unknownPayloadType: 0, late: 0 };
}
