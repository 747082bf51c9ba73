/**
 * Digits received on a call, whatever carried them, waiting for a step to take them: type-ahead
 * is kept (a caller may key before the prompt ends), bounded to `max` (the oldest are dropped).
 */
export class DigitQueue {
  private readonly queue: string[] = [];
  private readonly waiters = new Set<(digit: string) => void>();
  private readonly watchers = new Set<(digit: string) => void>();
  /** Every digit received, in order (the CDR's), bounded. */
  readonly history: string[] = [];
  dropped = 0;

  constructor(
    private readonly max = 64,
    private readonly maxHistory = 256,
  ) {}

  push(digit: string): void {
    if (this.history.length < this.maxHistory) this.history.push(digit);
    for (const w of [...this.watchers]) w(digit);
    const waiter = this.waiters.values().next();
    if (!waiter.done) {
      this.waiters.delete(waiter.value);
      waiter.value(digit);
      return;
    }
    if (this.queue.length >= this.max) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(digit);
  }

  /** The oldest waiting digit, if any. */
  take(): string | undefined {
    return this.queue.shift();
  }

  get size(): number {
    return this.queue.length;
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** Calls `fn` with the next digit that arrives (consuming it); returns the cancel. */
  next(fn: (digit: string) => void): () => void {
    this.waiters.add(fn);
    return () => this.waiters.delete(fn);
  }

  /** Calls `fn` for every digit that arrives (not consuming them); returns the cancel. */
  watch(fn: (digit: string) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }
}
