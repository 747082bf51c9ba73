/**
 * A bounded adaptive jitter buffer for one audio stream, sans-IO: the receive path pushes packets
 * (with their arrival time), the media frame clock pops one frame per packet interval.
 *
 *   buffering ──depth ≥ target──▶ playing ──maxConceal consecutive underruns──▶ buffering
 *   any ──reset (SSRC change, sequence jump)──▶ buffering
 *
 * The target depth follows the RFC 3550 §6.4.1 jitter estimate (3 × jitter + one frame, within
 * min/max), grows by a frame on each underrun and shrinks by dropping a frame when the buffer stays
 * above target. Slots are parallel typed arrays indexed by sequence number: no allocation per
 * packet; payloads stay views into the datagrams they arrived in.
 */

export interface JitterBufferOptions {
  /** Slots (packets); rounded up to a power of two. Default 64 (1.28 s at 20 ms). */
  readonly capacity?: number;
  /** Packet duration expected (the negotiated ptime), ms. Default 20. */
  readonly frameMs?: number;
  /** RTP clock rate (for the jitter estimate). Default 8000. */
  readonly clockRate?: number;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly initialDelayMs?: number;
  /** Consecutive underrun frames concealed before going back to buffering. Default 5. */
  readonly maxConcealFrames?: number;
}

export type JitterState = 'buffering' | 'playing';
export type PushResult = 'queued' | 'late' | 'duplicate' | 'reset';

/** What pop() produced; one object reused by every pop (copy what you keep). */
export interface PlayoutFrame {
  /** frame: a packet to decode; conceal: a missing frame to conceal (PLC hook); silence: nothing to play. */
  kind: 'frame' | 'conceal' | 'silence';
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  buffer: Uint8Array | undefined;
  offset: number;
  length: number;
}

export interface JitterStats {
  pushed: number;
  played: number;
  /** Frames concealed because their packet was lost (a later one had arrived). */
  lost: number;
  /** Frames concealed because nothing had arrived yet. */
  underruns: number;
  late: number;
  duplicates: number;
  /** Frames dropped to shrink the delay. */
  dropped: number;
  resets: number;
}

function pow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

export class JitterBuffer {
  private readonly mask: number;
  private readonly size: number;
  private readonly present: Uint8Array;
  private readonly seqs: Float64Array;
  private readonly stamps: Float64Array;
  private readonly offsets: Uint32Array;
  private readonly lengths: Uint32Array;
  private readonly markers: Uint8Array;
  private readonly buffers: (Uint8Array | undefined)[];
  private readonly frameMs: number;
  private readonly clockRate: number;
  private readonly minFrames: number;
  private readonly maxFrames: number;
  private readonly maxConceal: number;
  private st: JitterState = 'buffering';
  private started = false;
  /** Extended sequence number to play next, and the highest one held. */
  private next = 0;
  private highest = -1;
  private count = 0;
  private lastTs = 0;
  private tsStep: number;
  private concealRun = 0;
  private aboveTarget = 0;
  private boost = 0;
  private sinceUnderrun = 0;
  private transit = 0;
  private haveTransit = false;
  /** Jitter estimate in ms (§6.4.1 smoothing). */
  jitterMs = 0;
  private targetFrames: number;
  readonly stats: JitterStats = {
    pushed: 0,
    played: 0,
    lost: 0,
    underruns: 0,
    late: 0,
    duplicates: 0,
    dropped: 0,
    resets: 0,
  };
  private readonly out: PlayoutFrame = {
    kind: 'silence',
    sequenceNumber: 0,
    timestamp: 0,
    marker: false,
    buffer: undefined,
    offset: 0,
    length: 0,
  };

  constructor(options: JitterBufferOptions = {}) {
    this.size = pow2(Math.max(8, Math.min(1024, options.capacity ?? 64)));
    this.mask = this.size - 1;
    this.present = new Uint8Array(this.size);
    this.seqs = new Float64Array(this.size);
    this.stamps = new Float64Array(this.size);
    this.offsets = new Uint32Array(this.size);
    this.lengths = new Uint32Array(this.size);
    this.markers = new Uint8Array(this.size);
    this.buffers = new Array<Uint8Array | undefined>(this.size).fill(undefined);
    this.frameMs = options.frameMs ?? 20;
    this.clockRate = options.clockRate ?? 8000;
    this.tsStep = (this.frameMs * this.clockRate) / 1000;
    this.minFrames = Math.max(1, Math.ceil((options.minDelayMs ?? 20) / this.frameMs));
    this.maxFrames = Math.min(
      this.size - 2,
      Math.max(this.minFrames, Math.floor((options.maxDelayMs ?? 200) / this.frameMs)),
    );
    this.maxConceal = options.maxConcealFrames ?? 5;
    this.targetFrames = this.clamp(Math.ceil((options.initialDelayMs ?? 40) / this.frameMs));
  }

  get state(): JitterState {
    return this.st;
  }

  /** Frames held from the next to play up to the newest. */
  get depth(): number {
    return this.started && this.highest >= this.next ? this.highest - this.next + 1 : 0;
  }

  get target(): number {
    return this.targetFrames;
  }

  get delayMs(): number {
    return this.depth * this.frameMs;
  }

  private clamp(frames: number): number {
    return Math.max(this.minFrames, Math.min(this.maxFrames, frames));
  }

  private retarget(): void {
    this.targetFrames = this.clamp(Math.ceil((3 * this.jitterMs) / this.frameMs) + 1 + this.boost);
  }

  private restart(ext: number, timestamp: number): void {
    this.started = true;
    this.next = ext;
    this.highest = ext - 1;
    this.lastTs = (timestamp - this.tsStep) >>> 0;
  }

  /** Drops everything (SSRC change); the next push starts a new stream. */
  reset(): void {
    for (let i = 0; i < this.size; i++) {
      this.present[i] = 0;
      this.buffers[i] = undefined;
    }
    this.started = false;
    this.count = 0;
    this.highest = -1;
    this.haveTransit = false;
    this.concealRun = 0;
    this.aboveTarget = 0;
    this.st = 'buffering';
    this.stats.resets++;
  }

  push(
    seq: number,
    timestamp: number,
    marker: boolean,
    buffer: Uint8Array,
    offset: number,
    length: number,
    nowMs: number,
  ): PushResult {
    let result: PushResult = 'queued';
    if (!this.started) this.restart(seq, timestamp);
    const base = this.next & 0xffff;
    let ext = this.next + (((seq - base) << 16) >> 16);
    if (this.st === 'buffering' && this.count === 0 && ext > this.next) {
      // Nothing held after a pause (DTMF, hold, silence): start again at this packet, skipping the gap.
      this.restart(ext, timestamp);
    } else if (ext < this.next) {
      this.stats.late++;
      return 'late';
    } else if (ext - this.next >= this.size - 1) {
      // Far ahead of what we hold: the sender jumped; start again from this packet.
      this.reset();
      this.restart(ext, timestamp);
      result = 'reset';
    }
    ext = Math.max(ext, this.next);
    const i = ext & this.mask;
    if (this.present[i] && this.seqs[i] === ext) {
      this.stats.duplicates++;
      return 'duplicate';
    }
    this.present[i] = 1;
    this.seqs[i] = ext;
    this.stamps[i] = timestamp;
    this.offsets[i] = offset;
    this.lengths[i] = length;
    this.markers[i] = marker ? 1 : 0;
    this.buffers[i] = buffer;
    this.count++;
    if (ext > this.highest) this.highest = ext;
    this.stats.pushed++;
    // §6.4.1 / A.8 estimate in ms, used for the target depth.
    const transit = nowMs - (timestamp * 1000) / this.clockRate;
    if (this.haveTransit) {
      let d = Math.abs(transit - this.transit);
      // Timestamp wrap (2^32 ticks) or a stream restart: not jitter.
      if (d > 10_000) d = 0;
      this.jitterMs += (d - this.jitterMs) / 16;
      this.retarget();
    }
    this.transit = transit;
    this.haveTransit = true;
    return result;
  }

  private take(i: number): PlayoutFrame {
    const o = this.out;
    o.kind = 'frame';
    o.sequenceNumber = (this.seqs[i] as number) & 0xffff;
    o.timestamp = this.stamps[i] as number;
    o.marker = this.markers[i] === 1;
    o.buffer = this.buffers[i];
    o.offset = this.offsets[i] as number;
    o.length = this.lengths[i] as number;
    const step = (o.timestamp - this.lastTs) >>> 0;
    if (step > 0 && step < 8 * this.tsStep) this.tsStep = step;
    this.lastTs = o.timestamp;
    this.present[i] = 0;
    this.buffers[i] = undefined;
    this.count--;
    return o;
  }

  private empty(kind: 'conceal' | 'silence', seq = this.next): PlayoutFrame {
    const o = this.out;
    o.kind = kind;
    o.marker = false;
    o.buffer = undefined;
    o.offset = 0;
    o.length = 0;
    o.sequenceNumber = seq & 0xffff;
    if (kind === 'conceal') this.lastTs = (this.lastTs + this.tsStep) >>> 0;
    o.timestamp = this.lastTs;
    return o;
  }

  /** One frame for the playout clock. */
  pop(): PlayoutFrame {
    if (this.st === 'buffering') {
      if (!this.started || this.depth < this.targetFrames) return this.empty('silence');
      this.st = 'playing';
      this.concealRun = 0;
    }
    // Too deep for long: drop the oldest frame to bring the delay down, faster the deeper it is
    // (one frame per second at 3 frames above target).
    const excess = this.depth - this.targetFrames - 2;
    if (excess > 0) {
      this.aboveTarget += excess;
      if (this.aboveTarget >= 50) {
        this.aboveTarget = 0;
        const i = this.next & this.mask;
        if (this.present[i] && this.seqs[i] === this.next) {
          this.present[i] = 0;
          this.buffers[i] = undefined;
          this.count--;
        }
        this.next++;
        this.stats.dropped++;
      }
    } else {
      this.aboveTarget = 0;
    }
    if (++this.sinceUnderrun >= 500 && this.boost > 0) {
      this.boost--;
      this.sinceUnderrun = 0;
      this.retarget();
    }
    const i = this.next & this.mask;
    if (this.present[i] && this.seqs[i] === this.next) {
      this.next++;
      this.concealRun = 0;
      this.stats.played++;
      return this.take(i);
    }
    if (this.highest > this.next) {
      // Lost: a later packet is here already.
      this.next++;
      this.stats.lost++;
      this.concealRun = 0;
      return this.empty('conceal', this.next - 1);
    }
    // Underrun: keep waiting for `next` (the delay grows by this frame) and aim deeper.
    this.stats.underruns++;
    this.sinceUnderrun = 0;
    if (this.concealRun === 0 && this.boost < this.maxFrames) {
      this.boost++;
      this.retarget();
    }
    if (++this.concealRun > this.maxConceal) {
      this.st = 'buffering';
      return this.empty('silence');
    }
    return this.empty('conceal');
  }
}
