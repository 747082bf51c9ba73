/**
 * A bounded number of concurrent workers (external processes) with a bounded FIFO queue. A
 * request that cannot start at once waits its turn; past `maxQueue` waiting requests it is
 * refused at once, so a burst never grows memory or process count without limit.
 */
export class SlotsFullError extends Error {
  constructor(what: string) {
    super(`${what}: all workers busy and the queue is full`);
    this.name = 'SlotsFullError';
  }
}

export interface SlotWait {
  /** Resolves with the release function once a slot is held. */
  readonly ready: Promise<() => void>;
  /** Leaves the queue (or releases the slot if already held). Idempotent. */
  cancel(): void;
}

export class Slots {
  private busy = 0;
  private readonly queue: { grant: (release: () => void) => void }[] = [];

  constructor(
    readonly name: string,
    readonly max: number,
    readonly maxQueue: number,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`${name}: max must be an integer >= 1`);
    if (!Number.isInteger(maxQueue) || maxQueue < 0)
      throw new RangeError(`${name}: maxQueue must be an integer >= 0`);
  }

  get running(): number {
    return this.busy;
  }
  get waiting(): number {
    return this.queue.length;
  }

  /** Throws SlotsFullError when no slot is free and the queue is full. */
  acquire(): SlotWait {
    let released = false;
    let held = false;
    let entry: { grant: (release: () => void) => void } | undefined;
    const release = (): void => {
      if (released) return;
      released = true;
      if (!held) return;
      this.busy--;
      this.next();
    };
    if (this.busy < this.max) {
      this.busy++;
      held = true;
      return { ready: Promise.resolve(release), cancel: release };
    }
    if (this.queue.length >= this.maxQueue) throw new SlotsFullError(this.name);
    const ready = new Promise<() => void>((resolve) => {
      entry = {
        grant: (r) => {
          held = true;
          resolve(r);
        },
      };
      this.queue.push(entry);
    });
    return {
      ready: ready.then(() => release),
      cancel: () => {
        if (!held && entry) {
          const i = this.queue.indexOf(entry);
          if (i >= 0) this.queue.splice(i, 1);
          released = true;
          return;
        }
        release();
      },
    };
  }

  private next(): void {
    const e = this.queue.shift();
    if (!e) return;
    this.busy++;
    e.grant(() => undefined);
  }
}
