/**
 * A call-quality estimate from the ITU-T G.107 E-model, simplified as in Cole & Rosenbluth
 * ("Voice over IP performance monitoring", 2001) for G.711-family codecs:
 *   R = 93.2 − Id − Ie,eff
 *   Id = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3)                    (d: one-way mouth-to-ear delay, ms)
 *   Ie,eff = Ie + (95 − Ie)·Ppl / (Ppl / BurstR + Bpl)              (G.107 §7.2, Ppl in %)
 *   MOS = 1 + 0.035·R + 7·10⁻⁶·R·(R − 60)·(100 − R)                 (G.107 Annex B)
 */

export interface QualityInput {
  /** One-way delay estimate, ms: network (RTT / 2) + jitter buffer + packetisation. */
  readonly delayMs: number;
  /** Packet loss, percent (0–100). */
  readonly lossPercent: number;
  /** Equipment impairment of the codec (G.113 Appendix I: G.711 0, G.722 treated as 0 narrowband). */
  readonly ie?: number;
  /** Packet-loss robustness (G.113: G.711 with PLC 25.1, without 4.3). */
  readonly bpl?: number;
  /** Burst ratio (1 = random loss). */
  readonly burstRatio?: number;
}

export interface QualityEstimate {
  readonly rFactor: number;
  readonly mos: number;
}

export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
}

export function estimateQuality(q: QualityInput): QualityEstimate {
  const d = Math.max(0, q.delayMs);
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ie = q.ie ?? 0;
  const bpl = q.bpl ?? 25.1;
  const burst = q.burstRatio ?? 1;
  const ppl = Math.max(0, Math.min(100, q.lossPercent));
  const ieEff = ie + ((95 - ie) * ppl) / (ppl / burst + bpl);
  const r = Math.max(0, Math.min(100, 93.2 - id - ieEff));
  return { rFactor: Math.round(r * 10) / 10, mos: Math.round(mosFromR(r) * 100) / 100 };
}
