/**
 * Token buckets per client address for the REST API: a flood from one client gets 429s while
 * others go on. The table is bounded: the least recently seen client is forgotten first.
 */
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  maxClients: number;
  now?: () => number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;
  rejected = 0;

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Takes one token for `key`; returns 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    const now = this.now();
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key);
      b.tokens = Math.min(this.opts.burst, b.tokens + ((now - b.at) / 1000) * this.opts.perSecond);
      b.at = now;
    } else {
      if (this.buckets.size >= this.opts.maxClients) {
        const oldest = this.buckets.keys().next().value as string;
        this.buckets.delete(oldest);
      }
      b = { tokens: this.opts.burst, at: now };
    }
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    this.rejected++;
    return Math.max(1, Math.ceil((1 - b.tokens) / this.opts.perSecond));
  }

  get size(): number {
    return this.buckets.size;
  }
}
