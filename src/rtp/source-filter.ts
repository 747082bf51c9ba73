/**
 * Which source a session accepts media from. `fixed`: only the negotiated address and port. `latch`
 * (symmetric RTP for peers behind NAT): the first valid packet within a short window after the
 * remote is set decides, once; afterwards only that source. Nobody can take the stream over by
 * sending later: a new target comes only from signalling (setRemote on a re-INVITE).
 *
 *   idle ──set-remote──▶ fixed                          (mode fixed, or latch with window 0)
 *   idle ──set-remote──▶ waiting ──latch──▶ latched
 *                          └──window-expired──▶ fixed
 *   any ──set-remote──▶ fixed|waiting;   any ──clear──▶ idle
 */
import type { Logger } from './logger.js';

export type FilterMode = 'fixed' | 'latch';
export type FilterState = 'idle' | 'fixed' | 'waiting' | 'latched';
export type FilterEvent = 'set-remote' | 'latch' | 'window-expired' | 'clear';
export type Verdict = 'match' | 'candidate' | 'stranger';

export const FILTER_TRANSITIONS: Readonly<
  Record<FilterState, Partial<Record<FilterEvent, readonly FilterState[]>>>
> = {
  idle: { 'set-remote': ['fixed', 'waiting'], clear: ['idle'] },
  fixed: { 'set-remote': ['fixed', 'waiting'], clear: ['idle'] },
  waiting: {
    'set-remote': ['fixed', 'waiting'],
    latch: ['latched'],
    'window-expired': ['fixed'],
    clear: ['idle'],
  },
  latched: { 'set-remote': ['fixed', 'waiting'], clear: ['idle'] },
};

export class SourceFilter {
  private st: FilterState = 'idle';
  /** The address/port we accept from and send to. */
  address: string | undefined;
  port = 0;
  private deadline = 0;

  constructor(
    private readonly mode: FilterMode,
    private readonly windowMs: number,
    private readonly log: Logger,
    private readonly name: string,
  ) {}

  get state(): FilterState {
    return this.st;
  }

  private go(event: FilterEvent, to: FilterState): void {
    const allowed = FILTER_TRANSITIONS[this.st][event];
    if (!allowed?.includes(to)) throw new Error(`source filter: illegal ${this.st} -(${event})-> ${to}`);
    this.log.debug(`${this.name}: source ${this.st} -> ${to} (${event})`, {
      address: this.address,
      port: this.port,
    });
    this.st = to;
  }

  /** The negotiated peer (address undefined for a c=0.0.0.0 hold: nothing matches it). */
  setRemote(address: string | undefined, port: number, now: number): void {
    this.address = address;
    this.port = port;
    if (this.mode === 'latch' && this.windowMs > 0) {
      this.deadline = now + this.windowMs;
      this.go('set-remote', 'waiting');
    } else {
      this.go('set-remote', 'fixed');
    }
  }

  clear(): void {
    this.address = undefined;
    this.port = 0;
    this.go('clear', 'idle');
  }

  /** What to do with a datagram from address:port. A `candidate` must be validated, then latched. */
  classify(address: string, port: number, now: number): Verdict {
    if (this.st === 'waiting' && now >= this.deadline) this.go('window-expired', 'fixed');
    if (this.st === 'idle') return 'stranger';
    if (port === this.port && address === this.address) return this.st === 'waiting' ? 'candidate' : 'match';
    return this.st === 'waiting' ? 'candidate' : 'stranger';
  }

  /** Locks onto a validated candidate (RFC 4961-style symmetric RTP); only once per setRemote. */
  latch(address: string, port: number): void {
    if (this.st !== 'waiting') return;
    this.address = address;
    this.port = port;
    this.go('latch', 'latched');
  }
}
