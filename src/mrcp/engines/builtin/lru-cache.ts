/**
 * An LRU cache bounded in bytes (and in entries). An entry larger than `maxEntryBytes` is not
 * stored. Map iteration order is insertion order, so re-inserting on a hit keeps the most
 * recently used entries last and eviction takes from the front.
 */
export interface ByteSized {
  readonly byteLength: number;
}

export interface LruStats {
  hits: number;
  misses: number;
  evictions: number;
  entries: number;
  bytes: number;
}

export class ByteLru<V extends ByteSized> {
  private readonly map = new Map<string, V>();
  private bytes = 0;
  readonly stats: LruStats = { hits: 0, misses: 0, evictions: 0, entries: 0, bytes: 0 };

  constructor(
    readonly maxBytes: number,
    readonly maxEntryBytes: number = maxBytes,
    readonly maxEntries = 10_000,
  ) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Stores `value`; false when it is too large to cache. */
  set(key: string, value: V): boolean {
    if (value.byteLength > this.maxEntryBytes || value.byteLength > this.maxBytes) return false;
    this.delete(key);
    this.map.set(key, value);
    this.bytes += value.byteLength;
    while (this.bytes > this.maxBytes || this.map.size > this.maxEntries) {
      const first = this.map.keys().next();
      if (first.done) break;
      this.delete(first.value);
      this.stats.evictions++;
    }
    this.sync();
    return true;
  }

  delete(key: string): void {
    const v = this.map.get(key);
    if (v === undefined) return;
    this.map.delete(key);
    this.bytes -= v.byteLength;
    this.sync();
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
    this.sync();
  }

  get size(): number {
    return this.map.size;
  }
  get byteLength(): number {
    return this.bytes;
  }

  private sync(): void {
    this.stats.entries = this.map.size;
    this.stats.bytes = this.bytes;
  }
}
