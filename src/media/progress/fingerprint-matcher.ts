/**
 * Streaming matcher: aligns the live fingerprint stream against every reference at every
 * position at once. For each reference frame k it keeps the bit errors of the diagonal "live
 * frame t plays reference frame k" summed over the last `windowFrames` frames, updated in O(K)
 * per frame by adding the newest term and dropping the oldest (kept in a ring).
 */
import { bitCount, type FingerprintReference, type ReferencePhase } from './fingerprint.js';

const FRAME_MS = 20;

export interface MatcherOptions {
  /**
   * Frames compared per decision (default 75 = 1.5 s; at most 80 % of a short reference). Longer
   * than a word, so two prompts that share a recorded word do not match each other.
   */
  windowFrames?: number;
  /** Fewest compared (reliable, sounding) reference bits in the window (default 400; 60 % of a short one). */
  minBits?: number;
  /**
   * Highest bit error rate accepted as a match (default 0.14). The same recording through G.711
   * at another level scores under 0.1; other speech 0.3-0.45; another phrase sharing a word ~0.2.
   */
  maxBitErrorRate?: number;
  /** Most references held at once (default 16). */
  maxReferences?: number;
}

export interface FingerprintHit {
  refId: string;
  label: string;
  /** Media time at which the reference's start plays, ms (may precede the first frame heard). */
  offsetMs: number;
  /** 1 - bit error rate of the deciding window. */
  score: number;
  /** Where in the reference the deciding window ends, ms. */
  refPositionMs: number;
  /** Media time at which the reference ends. */
  endMs: number;
}

interface Track {
  ref: FingerprintReference;
  phase: ReferencePhase;
  /** Prefix sums of compared bits per reference frame, length K + 1. */
  bitPrefix: Uint32Array;
  /** This track's window (frames) and decision floor (bits). */
  w: number;
  minBits: number;
  sums: Int32Array;
  ring: Uint8Array;
}

interface RefState {
  ref: FingerprintReference;
  tracks: Track[];
  /** Live frame index before which this reference does not report again (after a hit). */
  quietUntil: number;
  /** Consecutive frames compared so far (the window is partial until it reaches windowFrames). */
  seen: number;
  pendingEnd: FingerprintHit | undefined;
}

export class FingerprintMatcher {
  private readonly w: number;
  private readonly minBits: number;
  private readonly maxBer: number;
  private readonly maxRefs: number;
  private readonly refs = new Map<string, RefState>();
  private t = -1;

  constructor(opts: MatcherOptions = {}) {
    this.w = opts.windowFrames ?? 75;
    this.minBits = opts.minBits ?? 400;
    this.maxBer = opts.maxBitErrorRate ?? 0.14;
    this.maxRefs = opts.maxReferences ?? 16;
  }

  get size(): number {
    return this.refs.size;
  }

  /** Adds (or replaces) a reference; false when the bound on references is reached. */
  add(ref: FingerprintReference): boolean {
    if (!this.refs.has(ref.id) && this.refs.size >= this.maxRefs) return false;
    const tracks = ref.phases.map((phase) => {
      const k = phase.bits.length;
      const bitPrefix = new Uint32Array(k + 1);
      for (let i = 0; i < k; i++) bitPrefix[i + 1] = bitPrefix[i]! + bitCount(phase.mask[i]!);
      const w = Math.max(1, Math.min(this.w, Math.floor(k * 0.8)));
      const minBits = Math.min(this.minBits, Math.floor(bitPrefix[k]! * 0.6));
      return { ref, phase, bitPrefix, w, minBits, sums: new Int32Array(k), ring: new Uint8Array(w * k) };
    });
    this.refs.set(ref.id, { ref, tracks, quietUntil: -1, seen: 0, pendingEnd: undefined });
    return true;
  }

  remove(id: string): void {
    this.refs.delete(id);
  }

  /**
   * Feeds the fingerprint of live frame `frameIndex` (consecutive, starting at 1: frame 0 has no
   * predecessor). Calls `onHit` for a new match and `onEnd` when a matched reference has played out.
   */
  push(
    frameIndex: number,
    bits: number,
    onHit: (hit: FingerprintHit) => void,
    onEnd: (hit: FingerprintHit) => void,
  ): void {
    const t = frameIndex;
    const gap = this.t < 0 ? 1 : t - this.t;
    this.t = t;
    const nowMs = (t + 1) * FRAME_MS;
    for (const st of this.refs.values()) {
      if (st.pendingEnd && nowMs >= st.pendingEnd.endMs) {
        const hit = st.pendingEnd;
        st.pendingEnd = undefined;
        onEnd(hit);
      }
      let best: { track: Track; k: number; ber: number } | undefined;
      st.seen = gap === 1 ? st.seen + 1 : 1;
      for (const tr of st.tracks) {
        if (gap !== 1) {
          tr.sums.fill(0);
          tr.ring.fill(0);
        }
        const ph = tr.phase;
        const k1 = ph.bits.length;
        const w = tr.w;
        const base = (t % w) * k1;
        const sums = tr.sums;
        const ring = tr.ring;
        for (let k = k1 - 1; k >= 0; k--) {
          const e = bitCount((bits ^ ph.bits[k]!) & ph.mask[k]!);
          let s = (k > 0 ? sums[k - 1]! : 0) + e;
          if (k >= w) s -= ring[base + k - w]!;
          ring[base + k] = e;
          sums[k] = s;
        }
        if (t < st.quietUntil) continue;
        // Decide on full windows only: a partial one at a reference's start could be a word that
        // another prompt shares.
        if (st.seen < w) continue;
        for (let k = w - 1; k < k1; k++) {
          const compared = tr.bitPrefix[k + 1]! - tr.bitPrefix[k + 1 - w]!;
          if (compared < tr.minBits || compared === 0) continue;
          const ber = sums[k]! / compared;
          if (ber <= this.maxBer && (!best || ber < best.ber)) best = { track: tr, k, ber };
        }
      }
      if (best) {
        const offsetMs = (t - best.k) * FRAME_MS - best.track.phase.shiftMs;
        const hit: FingerprintHit = {
          refId: st.ref.id,
          label: st.ref.label,
          offsetMs,
          score: 1 - best.ber,
          refPositionMs: best.track.phase.shiftMs + (best.k + 1) * FRAME_MS,
          endMs: offsetMs + st.ref.durationMs,
        };
        // One report per playing: stay quiet until this rendering has played out.
        st.quietUntil = t + (best.track.phase.bits.length - best.k) + 1;
        st.pendingEnd = hit;
        onHit(hit);
      }
    }
  }

  reset(): void {
    this.t = -1;
    for (const st of this.refs.values()) {
      st.quietUntil = -1;
      st.seen = 0;
      st.pendingEnd = undefined;
      for (const tr of st.tracks) {
        tr.sums.fill(0);
        tr.ring.fill(0);
      }
    }
  }
}
