/**
 * Decoded prompts kept in memory, least recently used first out, bounded by total bytes.
 * Concurrent loads of one file share a promise; failed loads are not cached.
 */
import { loadWavFile, type ClipResult, type StreamRate } from '../media/index.js';

export class ClipCache {
  private readonly entries = new Map<string, ClipResult & { ok: true }>();
  private readonly loading = new Map<string, Promise<ClipResult>>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = 64 << 20,
    private readonly maxFileBytes = 16 << 20,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(path: string, rate: StreamRate): Promise<ClipResult> {
    const key = `${rate}:${path}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return Promise.resolve(hit);
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const p = loadWavFile(path, { rate, maxBytes: this.maxFileBytes }).then((r) => {
      this.loading.delete(key);
      if (r.ok) this.add(key, r);
      return r;
    });
    this.loading.set(key, p);
    return p;
  }

  private add(key: string, r: ClipResult & { ok: true }): void {
    const size = r.clip.samples.byteLength;
    if (size > this.maxBytes) return;
    this.entries.set(key, r);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.clip.samples.byteLength;
    }
  }
}
