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
  /** Fewest compared (reliable, sounding) reference bits in the window (default 200; 60 % of a short one). */
  minBits?: number;
  /**
   * Highest bit error rate accepted as a match (default 0.08). The same recording through G.711
   * or line noise at another level scores under 0.04; other speech 0.3-0.45; a phrase that shares a word with it 0.11-0.13.
   */
  maxBitErrorRate?: number;
  /** Most references held at once (default 16). */
  maxReferences?: number;
  /**
   * Frames a first crossing of the threshold waits for a better alignment before it is reported
   * (default 5): the best phase may complete its window a frame later, and of two references
   * sharing a phrase the right one pulls ahead.
   */
  settleFrames?: number;
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
  /**
   * Per reference frame k, the most errors a full window ending at k may hold to match
   * (maxBer × bits compared), or -1 where no decision is taken: one compare in the hot loop.
   */
  limit: Int32Array;
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
  /** Best alignment since the threshold was first crossed, reported at `decideAt`. */
  candidate: Candidate | undefined;
  pendingEnd: FingerprintHit | undefined;
}

interface Candidate {
  track: Track;
  /** Live frame and reference frame of the deciding window. */
  t: number;
  k: number;
  ber: number;
  decideAt: number;
}

/** A live span already explained by a reported match (another reference does not claim it). */
interface Span {
  refId: string;
  fromMs: number;
  toMs: number;
}

const MAX_SPANS = 8;

export class FingerprintMatcher {
  private readonly w: number;
  private readonly minBits: number;
  private readonly maxBer: number;
  private readonly maxRefs: number;
  private readonly settle: number;
  private readonly refs = new Map<string, RefState>();
  private readonly spans: Span[] = [];
  /** Reused per frame (no allocation on the frame path). */
  private readonly deciding: RefState[] = [];
  private t = -1;

  constructor(opts: MatcherOptions = {}) {
    this.w = opts.windowFrames ?? 75;
    this.minBits = opts.minBits ?? 200;
    this.maxBer = opts.maxBitErrorRate ?? 0.08;
    this.maxRefs = opts.maxReferences ?? 16;
    this.settle = opts.settleFrames ?? 5;
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
      const limit = new Int32Array(k).fill(-1);
      for (let j = w - 1; j < k; j++) {
        const compared = bitPrefix[j + 1]! - bitPrefix[j + 1 - w]!;
        if (compared >= minBits && compared > 0) limit[j] = Math.floor(this.maxBer * compared);
      }
      return {
        ref,
        phase,
        bitPrefix,
        limit,
        w,
        minBits,
        sums: new Int32Array(k),
        ring: new Uint8Array(w * k),
      };
    });
    this.refs.set(ref.id, {
      ref,
      tracks,
      quietUntil: -1,
      seen: 0,
      candidate: undefined,
      pendingEnd: undefined,
    });
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
    const deciding = this.deciding;
    deciding.length = 0;
    for (const st of this.refs.values()) {
      if (st.pendingEnd && nowMs >= st.pendingEnd.endMs) {
        const hit = st.pendingEnd;
        st.pendingEnd = undefined;
        onEnd(hit);
      }
      let best: { track: Track; k: number; ber: number } | undefined;
      st.seen = gap === 1 ? st.seen + 1 : 1;
      if (gap !== 1) st.candidate = undefined;
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
        const limit = tr.limit;
        // Decide on full windows only: a partial one at a reference's start could be a word that
        // another prompt shares.
        const decide = t >= st.quietUntil && st.seen >= w;
        for (let k = k1 - 1; k >= 0; k--) {
          const e = bitCount((bits ^ ph.bits[k]!) & ph.mask[k]!);
          let s = (k > 0 ? sums[k - 1]! : 0) + e;
          if (k >= w) s -= ring[base + k - w]!;
          ring[base + k] = e;
          sums[k] = s;
          if (decide && s <= limit[k]!) {
            const ber = s / (tr.bitPrefix[k + 1]! - tr.bitPrefix[k + 1 - w]!);
            if (!best || ber < best.ber) best = { track: tr, k, ber };
          }
        }
      }
      if (best && this.explained(st.ref.id, t, best.track.w)) best = undefined;
      if (best && (!st.candidate || best.ber < st.candidate.ber)) {
        st.candidate = { ...best, t, decideAt: st.candidate?.decideAt ?? t + this.settle };
      }
      if (st.candidate && t >= st.candidate.decideAt) deciding.push(st);
    }
    // Best first: of two references claiming the same audio (prompts sharing a recorded phrase),
    // the closer one is reported and the other is then explained away.
    deciding.sort((a, b) => a.candidate!.ber - b.candidate!.ber);
    for (const st of deciding) {
      const c = st.candidate!;
      st.candidate = undefined;
      if (this.explained(st.ref.id, c.t, c.track.w)) continue;
      const offsetMs = (c.t - c.k) * FRAME_MS - c.track.phase.shiftMs;
      const hit: FingerprintHit = {
        refId: st.ref.id,
        label: st.ref.label,
        offsetMs,
        score: 1 - c.ber,
        refPositionMs: c.track.phase.shiftMs + (c.k + 1) * FRAME_MS,
        endMs: offsetMs + st.ref.durationMs,
      };
      // One report per playing: stay quiet until this rendering has played out.
      st.quietUntil = c.t + (c.track.phase.bits.length - c.k) + 1;
      st.pendingEnd = hit;
      if (this.spans.length >= MAX_SPANS) this.spans.shift();
      this.spans.push({ refId: hit.refId, fromMs: hit.offsetMs, toMs: hit.endMs });
      onHit(hit);
    }
  }

  /**
   * Whether the window ending at live frame t lies inside audio another reference already
   * matched: two prompts that share a recorded phrase then do not both claim it.
   */
  private explained(refId: string, t: number, w: number): boolean {
    const from = (t - w + 1) * FRAME_MS;
    const to = (t + 1) * FRAME_MS;
    return this.spans.some(
      (s) => s.refId !== refId && s.fromMs - 2 * FRAME_MS <= from && to <= s.toMs + 2 * FRAME_MS,
    );
  }

  reset(): void {
    this.t = -1;
    this.spans.length = 0;
    for (const st of this.refs.values()) {
      st.quietUntil = -1;
      st.seen = 0;
      st.candidate = undefined;
      st.pendingEnd = undefined;
      for (const tr of st.tracks) {
        tr.sums.fill(0);
        tr.ring.fill(0);
      }
    }
  }
}
