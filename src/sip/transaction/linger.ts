/**
 * The waits that end a transaction (Timers D, I, J, K, L, M) in one FIFO per duration with a
 * single clock timer each, instead of a timer per transaction: every call leaves two
 * transactions lingering for 64*T1 on UDP (RFC 3261 §17.2.2 J, RFC 6026 L), so at thousands of
 * calls per second this is most of the stack's memory. Entries of a transaction that ended
 * early are skipped when they come due.
 */
import type { Clock, TimerHandle } from '../clock.js';

export interface Lingering {
  /** Called when the wait is over; ends the transaction unless it already ended. */
  lingerExpired(): void;
}

class Fifo {
  items: Lingering[] = [];
  dues: number[] = [];
  head = 0;
  timer: TimerHandle | null = null;
}

export class LingerQueues {
  private readonly queues = new Map<number, Fifo>();

  constructor(private readonly clock: Clock) {}

  add(tx: Lingering, ms: number): void {
    let q = this.queues.get(ms);
    if (!q) {
      q = new Fifo();
      this.queues.set(ms, q);
    }
    q.items.push(tx);
    q.dues.push(this.clock.now() + ms);
    if (q.timer === null) this.arm(q, ms);
  }

  private arm(q: Fifo, ms: number): void {
    const wait = Math.max(0, q.dues[q.head]! - this.clock.now());
    q.timer = this.clock.setTimeout(() => this.sweep(q, ms), wait);
  }

  private sweep(q: Fifo, ms: number): void {
    q.timer = null;
    const now = this.clock.now();
    while (q.head < q.items.length && q.dues[q.head]! <= now) {
      const tx = q.items[q.head]!;
      q.items[q.head] = undefined as unknown as Lingering;
      q.head++;
      tx.lingerExpired();
    }
    if (q.head > 1024 && q.head * 2 > q.items.length) {
      q.items = q.items.slice(q.head);
      q.dues = q.dues.slice(q.head);
      q.head = 0;
    }
    if (q.head < q.items.length) this.arm(q, ms);
    else {
      q.items = [];
      q.dues = [];
      q.head = 0;
    }
  }

  /** Stops every sweep (stack stop); the transactions themselves are ended by their owner. */
  clear(): void {
    for (const q of this.queues.values()) if (q.timer !== null) this.clock.clearTimeout(q.timer);
    this.queues.clear();
  }

  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.items.length - q.head;
    return n;
  }
}
