/**
 * Exact-length views of reusable scratch arrays. The codec functions take whole typed arrays, and
 * `subarray()` allocates a view object each call: on the packet path the few lengths that occur
 * (160 octets for 20 ms of G.711...) get one cached view each. Bounded: past `maxViews` distinct
 * lengths (a hostile peer varying sizes) a fresh view is made instead of cached.
 */
export class ViewCache<T extends Uint8Array | Int16Array> {
  private readonly views = new Map<number, T>();

  constructor(
    readonly scratch: T,
    private readonly maxViews = 16,
  ) {}

  /** The first `length` elements of the scratch array (length ≤ scratch.length). */
  view(length: number): T {
    if (length === this.scratch.length) return this.scratch;
    const hit = this.views.get(length);
    if (hit) return hit;
    const v = this.scratch.subarray(0, length) as T;
    if (this.views.size < this.maxViews) this.views.set(length, v);
    return v;
  }
}

/** Copies `length` bytes of `src` from `offset` into `dst` at 0 without allocating for Buffers. */
export function copyBytes(src: Uint8Array, offset: number, length: number, dst: Uint8Array): void {
  if (Buffer.isBuffer(src)) {
    src.copy(dst, 0, offset, offset + length);
    return;
  }
  for (let i = 0; i < length; i++) dst[i] = src[offset + i] as number;
}
