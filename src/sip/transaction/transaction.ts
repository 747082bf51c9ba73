/**
 * What the four transaction state machines share: the explicit state with its transition table,
 * named timers on the injected clock (all cleared when the transaction ends), and the context
 * (clock, timer values, counters, logger, removal from the layer's table).
 */
import type { Clock, TimerHandle } from '../clock.js';
import type { SipLogger } from '../logger.js';
import { inc, methodLabel, type SipCounters } from '../metrics.js';
import type { SendCallback } from '../transport/transport.js';
import type { SendTarget } from '../transport/transport-layer.js';
import type { LingerQueues } from './linger.js';
import type { TimerConfig } from './timers.js';

export interface TransactionContext {
  clock: Clock;
  timers: TimerConfig;
  counters: SipCounters;
  logger: SipLogger;
  /** Debug lines per transition only when true (they allocate). */
  debug: boolean;
  /** Called once when a transaction reaches Terminated. */
  remove(tx: Transaction<string>): void;
  /** The final waits (Timers D, I, J, K, L, M): `tx.lingerExpired()` after `ms`. */
  linger: LingerQueues;
  /** Hands bytes to the transport layer. */
  send(data: Buffer, target: SendTarget, cb?: SendCallback): void;
}

export type TimerName =
  'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying';
/** Timers that never run at once share a slot: retransmit (A/E/G), timeout (B/F/H), guard (C/Trying). */
const SLOT: Record<TimerName, number> = {
  A: 0,
  E: 0,
  G: 0,
  B: 1,
  F: 1,
  H: 1,
  C: 2,
  Trying: 2,
  D: 3,
  I: 3,
  J: 3,
  K: 3,
  L: 3,
  M: 3,
};

/**
 * A copy of `s` that does not keep the string it was sliced from alive. Keys and Call-IDs are
 * slices of a received message's header text; a transaction lingering for Timer J/L would
 * otherwise hold all of that text (slicing a fresh concatenation copies it, V8-wise).
 */
export function detach(s: string): string {
  return (' ' + s).slice(1);
}

export class IllegalTransitionError extends Error {
  readonly code = 'illegal_transition';
}

export abstract class Transaction<S extends string> {
  abstract readonly kind: 'ict' | 'nict' | 'ist' | 'nist';
  protected readonly handles: Array<TimerHandle | undefined> = [undefined, undefined, undefined];

  /** Table key (branch, sent-by, method). */
  readonly key: string;
  readonly callId: string;

  constructor(
    key: string,
    readonly method: string,
    callId: string,
    public state: S,
    protected readonly edges: Readonly<Record<S, readonly S[]>>,
    protected readonly ctx: TransactionContext,
    readonly reliable: boolean,
    /** Where this transaction's messages go. */
    readonly target: SendTarget,
  ) {
    this.key = detach(key);
    this.callId = detach(callId);
    ctx.counters.transactionsActive++;
  }

  get terminated(): boolean {
    return this.state === 'terminated';
  }

  /** State test that TypeScript does not narrow (transitions happen inside calls). */
  protected inState(s: S): boolean {
    return this.state === s;
  }

  /** The single transition function: checks the edge, logs it, and ends the transaction on Terminated. */
  protected transition(next: S): void {
    const from = this.state;
    if (!this.edges[from].includes(next)) {
      throw new IllegalTransitionError(`${this.kind} ${this.method}: ${from} -> ${next} is not a transition`);
    }
    this.state = next;
    if (this.ctx.debug) {
      this.ctx.logger.debug(`${this.kind} ${this.method} ${from} -> ${next}`, {
        callId: this.callId,
        key: this.key,
      });
    }
    if (next === 'terminated') {
      this.stopAllTimers();
      this.ctx.counters.transactionsActive--;
      this.ctx.remove(this);
      this.onTerminated();
    }
  }

  protected onTerminated(): void {}

  protected send(data: Buffer, cb?: SendCallback): void {
    this.ctx.send(data, this.target, cb);
  }

  /** The final wait is over (see LingerQueues). */
  lingerExpired(): void {
    if (this.state !== 'terminated') this.transition('terminated' as S);
  }

  /** Starts the final wait, or ends now when it is 0 (reliable transports). */
  protected linger(ms: number): void {
    if (ms === 0) this.transition('terminated' as S);
    else this.ctx.linger.add(this, ms);
  }

  protected startTimer(name: TimerName, ms: number, fn: () => void): void {
    const slot = SLOT[name];
    const old = this.handles[slot];
    if (old !== undefined) this.ctx.clock.clearTimeout(old);
    this.handles[slot] = this.ctx.clock.setTimeout(() => {
      this.handles[slot] = undefined;
      fn();
    }, ms);
  }

  protected stopTimer(name: TimerName): void {
    const slot = SLOT[name];
    const h = this.handles[slot];
    if (h !== undefined) {
      this.ctx.clock.clearTimeout(h);
      this.handles[slot] = undefined;
    }
  }

  /** Whether a timer is running (for tests and diagnostics). */
  timerRunning(name: TimerName): boolean {
    return this.handles[SLOT[name]] !== undefined;
  }

  protected stopAllTimers(): void {
    for (let i = 0; i < this.handles.length; i++) {
      const h = this.handles[i];
      if (h !== undefined) this.ctx.clock.clearTimeout(h);
      this.handles[i] = undefined;
    }
  }

  protected countRetransmit(what: string): void {
    inc(this.ctx.counters.retransmissionsSent, what);
  }

  protected countAbsorbed(what: string): void {
    inc(this.ctx.counters.retransmissionsReceived, what);
  }

  protected countCompleted(status: number | 'timeout'): void {
    inc(this.ctx.counters.transactions, `${methodLabel(this.method)} ${status}`);
  }

  /** Ends the transaction now (stack shutdown). */
  abstract terminate(): void;
}
