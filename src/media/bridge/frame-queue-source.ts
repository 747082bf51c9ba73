/** A bounded queue of 20 ms frames played as a live source (the bridge's per-direction buffer). */
import type { AudioSource, StreamRate } from '../stream/stream-types.js';

export class FrameQueueSource implements AudioSource {
  private readonly frames: Int16Array[];
  private head = 0;
  private count = 0;
  private ended = false;
  dropped = 0;

  constructor(
    readonly rate: StreamRate,
    depth: number,
  ) {
    const n = Math.max(1, depth);
    this.frames = Array.from({ length: n }, () => new Int16Array(rate / 50));
  }

  get done(): boolean {
    return this.ended;
  }

  /** Copies one frame in (dropping the oldest when full). */
  push(frame: Int16Array): void {
    if (this.ended) return;
    if (this.count === this.frames.length) {
      this.head = (this.head + 1) % this.frames.length;
      this.count--;
      this.dropped++;
    }
    const slot = this.frames[(this.head + this.count) % this.frames.length] as Int16Array;
    if (frame.length === slot.length) slot.set(frame);
    else {
      const n = Math.min(slot.length, frame.length);
      for (let i = 0; i < n; i++) slot[i] = frame[i] as number;
      slot.fill(0, n);
    }
    this.count++;
  }

  read(frame: Int16Array): number {
    if (this.count === 0) {
      frame.fill(0);
      return this.ended ? 0 : frame.length;
    }
    const slot = this.frames[this.head] as Int16Array;
    this.head = (this.head + 1) % this.frames.length;
    this.count--;
    if (frame.length === slot.length) {
      frame.set(slot);
      return frame.length;
    }
    const n = Math.min(slot.length, frame.length);
    for (let i = 0; i < n; i++) frame[i] = slot[i] as number;
    return n;
  }

  end(): void {
    this.ended = true;
  }
}
