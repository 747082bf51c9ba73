/**
 * The RTCP transmission interval of RFC 3550 §6.2, §6.3.1 and Appendix A.7: RTCP takes 5% of the
 * session bandwidth (a quarter of it for senders when they are few), the deterministic interval
 * has a 5 s minimum (half of it before the first report, or 360/kbps s with the reduced minimum),
 * then is randomised over [0.5, 1.5] and divided by e − 3/2 to compensate timer reconsideration.
 */

export interface IntervalInput {
  readonly members: number;
  readonly senders: number;
  /** RTCP bandwidth, bytes per second (5% of the session bandwidth). */
  readonly rtcpBandwidth: number;
  readonly weSent: boolean;
  /** Average compound RTCP size, bytes, UDP/IP headers included. */
  readonly avgRtcpSize: number;
  readonly initial: boolean;
  /** Minimum interval, seconds (5, or 360 / session kbit/s for the reduced minimum). */
  readonly minSeconds: number;
}

const COMPENSATION = Math.E - 1.5;

/** The deterministic interval Td of §6.3.1, seconds (no randomisation). */
export function deterministicInterval(i: IntervalInput): number {
  const min = i.initial ? i.minSeconds / 2 : i.minSeconds;
  let bw = i.rtcpBandwidth;
  let n = i.members;
  if (i.senders <= i.members * 0.25) {
    if (i.weSent) {
      bw *= 0.25;
      n = i.senders;
    } else {
      bw *= 0.75;
      n -= i.senders;
    }
  }
  const t = (i.avgRtcpSize * n) / bw;
  return Math.max(t, min);
}

/** The randomised interval T of §6.3.1, seconds; `random` is uniform in [0, 1). */
export function rtcpInterval(i: IntervalInput, random: () => number): number {
  return (deterministicInterval(i) * (random() + 0.5)) / COMPENSATION;
}

/** §6.2: the minimum interval in seconds; reduced = 360 / session bandwidth in kbit/s. */
export function minimumInterval(sessionKbps: number, reduced: boolean): number {
  return reduced ? 360 / sessionKbps : 5;
}
