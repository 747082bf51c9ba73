/**
 * The RTP port pool (RFC 3550 §11: RTP on an even port, RTCP on the next odd one). Free pairs are
 * kept in a FIFO ring so a released port is reused last: late packets of an ended call do not land
 * in the next one. O(1) allocate and release, bounded by the range, no allocation after start.
 */
export interface PortPoolOptions {
  /** Lowest port; rounded up to even. */
  readonly min: number;
  /** Highest port; the last pair must fit (p + 1 ≤ max). */
  readonly max: number;
}

export class PortPool {
  readonly min: number;
  readonly capacity: number;
  private readonly ring: Int32Array;
  private readonly used: Uint8Array;
  private head = 0;
  private free: number;

  constructor(options: PortPoolOptions) {
    const { min, max } = options;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
      throw new RangeError(`port pool: invalid range ${min}-${max}`);
    }
    this.min = min % 2 === 0 ? min : min + 1;
    this.capacity = Math.max(0, Math.floor((max - 1 - this.min) / 2) + 1);
    if (this.capacity === 0) throw new RangeError(`port pool: ${min}-${max} holds no even/odd pair`);
    this.ring = new Int32Array(this.capacity);
    this.used = new Uint8Array(this.capacity);
    for (let i = 0; i < this.capacity; i++) this.ring[i] = this.min + 2 * i;
    this.free = this.capacity;
  }

  get available(): number {
    return this.free;
  }

  get inUse(): number {
    return this.capacity - this.free;
  }

  /** An even port whose pair (port, port + 1) is now ours, or undefined when the pool is exhausted. */
  allocate(): number | undefined {
    if (this.free === 0) return undefined;
    const port = this.ring[this.head] as number;
    this.head = (this.head + 1) % this.capacity;
    this.free--;
    this.used[(port - this.min) / 2] = 1;
    return port;
  }

  /** Returns a port to the back of the queue; false (and nothing changes) if it was not allocated. */
  release(port: number): boolean {
    const i = (port - this.min) / 2;
    if (!Number.isInteger(i) || i < 0 || i >= this.capacity || this.used[i] !== 1) return false;
    this.used[i] = 0;
    this.ring[(this.head + this.free) % this.capacity] = port;
    this.free++;
    return true;
  }

  isAllocated(port: number): boolean {
    const i = (port - this.min) / 2;
    return Number.isInteger(i) && i >= 0 && i < this.capacity && this.used[i] === 1;
  }
}
