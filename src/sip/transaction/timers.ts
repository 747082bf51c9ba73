/**
 * Timer values of RFC 3261 §17 and Table 4 (A–K), RFC 6026 (L, M) and §16.6 (C).
 */

export interface TimerConfig {
  /** RTT estimate, default 500 ms. */
  T1: number;
  /** Cap on non-INVITE and response retransmit intervals, default 4 s. */
  T2: number;
  /** Longest a message stays in the network, default 5 s. */
  T4: number;
  /**
   * Timer C (§16.6 step 11, > 3 min): how long an INVITE may sit in Proceeding without a final
   * response before voicegate CANCELs it. 0 disables.
   */
  C: number;
  /** §17.2.1: a server INVITE transaction sends 100 Trying if the TU has sent no provisional by then (≤ 200 ms). */
  trying: number;
}

export const DEFAULT_TIMERS: Readonly<TimerConfig> = { T1: 500, T2: 4000, T4: 5000, C: 180_000, trying: 100 };

/** Derived durations, per transport reliability (Table 4). */
export function timerB(t: TimerConfig): number {
  return 64 * t.T1;
}
export function timerD(t: TimerConfig, reliable: boolean): number {
  return reliable ? 0 : Math.max(32_000, 64 * t.T1);
}
export function timerF(t: TimerConfig): number {
  return 64 * t.T1;
}
export function timerH(t: TimerConfig): number {
  return 64 * t.T1;
}
export function timerI(t: TimerConfig, reliable: boolean): number {
  return reliable ? 0 : t.T4;
}
export function timerJ(t: TimerConfig, reliable: boolean): number {
  return reliable ? 0 : 64 * t.T1;
}
export function timerK(t: TimerConfig, reliable: boolean): number {
  return reliable ? 0 : t.T4;
}
export function timerL(t: TimerConfig): number {
  return 64 * t.T1;
}
export function timerM(t: TimerConfig): number {
  return 64 * t.T1;
}
