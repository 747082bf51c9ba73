/**
 * The injected clock and logger of the sans-IO MRCP server. Structural types: the daemon passes
 * its own clock/logger; tests pass a fake clock and read what was logged.
 */
export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface MrcpLogger {
  debug(msg: string, meta?: Record<string, unknown>): void;
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const silentLogger: MrcpLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * One named timer slot: arming it again replaces the previous timer, and `clearAll` on a set of
 * slots is how an owner guarantees no timer outlives it.
 */
export class TimerSlots<K extends string> {
  private readonly handles = new Map<K, TimerHandle>();
  constructor(private readonly clock: Clock) {}

  set(key: K, ms: number, fn: () => void): void {
    this.clear(key);
    const h = this.clock.setTimeout(() => {
      this.handles.delete(key);
      fn();
    }, ms);
    this.handles.set(key, h);
  }

  clear(key: K): void {
    const h = this.handles.get(key);
    if (h !== undefined) {
      this.clock.clearTimeout(h);
      this.handles.delete(key);
    }
  }

  has(key: K): boolean {
    return this.handles.has(key);
  }

  clearAll(): void {
    for (const h of this.handles.values()) this.clock.clearTimeout(h);
    this.handles.clear();
  }

  get size(): number {
    return this.handles.size;
  }
}
