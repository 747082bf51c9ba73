/**
 * A bounded first-in first-out ring of 16-bit samples: packets of one size go in, frames of
 * another come out (a peer sending 30 ms packets to a 20 ms pipeline, or the other way). Writes
 * past the capacity drop the oldest samples (counted): a stalled reader never grows memory.
 */
export class SampleFifo {
  private readonly buf: Int16Array;
  private head = 0;
  private count = 0;
  /** Samples discarded because the ring was full. */
  overflowed = 0;

  constructor(readonly capacity: number) {
    this.buf = new Int16Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  get free(): number {
    return this.buf.length - this.count;
  }

  /** Appends `n` samples of `src` (from index 0). */
  write(src: Int16Array, n = src.length): void {
    const cap = this.buf.length;
    let from = 0;
    if (n > cap) {
      from = n - cap;
      this.overflowed += from;
      n = cap;
    }
    if (n > this.free) this.skip(n - this.free, true);
    let tail = (this.head + this.count) % cap;
    for (let i = 0; i < n; i++) {
      this.buf[tail] = src[from + i] as number;
      if (++tail === cap) tail = 0;
    }
    this.count += n;
  }

  /** Appends `n` zero samples. */
  writeSilence(n: number): void {
    const cap = this.buf.length;
    n = Math.min(n, cap);
    if (n > this.free) this.skip(n - this.free, true);
    let tail = (this.head + this.count) % cap;
    for (let i = 0; i < n; i++) {
      this.buf[tail] = 0;
      if (++tail === cap) tail = 0;
    }
    this.count += n;
  }

  /** Moves the oldest `n` samples into `dst` (from index 0); returns how many were there. */
  read(dst: Int16Array, n = dst.length): number {
    const cap = this.buf.length;
    n = Math.min(n, this.count);
    let h = this.head;
    for (let i = 0; i < n; i++) {
      dst[i] = this.buf[h] as number;
      if (++h === cap) h = 0;
    }
    this.head = h;
    this.count -= n;
    return n;
  }

  /** Drops the oldest `n` samples. */
  skip(n: number, overflow = false): void {
    n = Math.min(n, this.count);
    this.head = (this.head + n) % this.buf.length;
    this.count -= n;
    if (overflow) this.overflowed += n;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
