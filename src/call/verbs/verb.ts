/**
 * One verb of an application (jambonz's shape): a class with exec() and kill(). exec resolves
 * once with the verb's result; kill makes it resolve at once with `killed`. Timers and
 * subscriptions are registered as cleanups, so a finished or killed verb leaves nothing behind.
 */
import type { TimerHandle } from '../../rtp/index.js';
import type { Hook } from './common-schema.js';
import type { VerbSession } from './verb-session.js';
import type { VerbHost } from './verb-host.js';

export type VerbOutcome = 'done' | 'timeout' | 'barged' | 'failed' | 'killed' | 'ended' | 'unsupported';

export interface VerbResult {
  readonly verb: string;
  readonly outcome: VerbOutcome;
  readonly detail?: string;
  /** The actionHook to call with `hookData`; its reply, when not empty, replaces the remaining verbs. */
  readonly hook?: Hook;
  readonly hookData?: Readonly<Record<string, unknown>>;
  /** redirect: the hook's reply replaces the remaining verbs even when empty. */
  readonly replace?: boolean;
  /** hangup: nothing runs after this verb. */
  readonly last?: boolean;
}

export type FinishExtra = Omit<VerbResult, 'verb' | 'outcome'>;

export abstract class Verb<S extends { readonly verb: string } = { readonly verb: string }> {
  private resolveFn: ((r: VerbResult) => void) | undefined;
  private readonly cleanups: (() => void)[] = [];
  private settled = false;
  protected host!: VerbHost;
  protected session!: VerbSession;

  constructor(readonly spec: S) {}

  get name(): string {
    return this.spec.verb;
  }

  exec(host: VerbHost, session: VerbSession): Promise<VerbResult> {
    this.host = host;
    this.session = session;
    return new Promise<VerbResult>((resolve) => {
      this.resolveFn = resolve;
      if (this.settled) return resolve({ verb: this.name, outcome: 'killed' });
      if (host.ended) return this.finish('ended');
      try {
        this.start();
      } catch (err) {
        this.finish('failed', { detail: (err as Error).message });
      }
    });
  }

  protected abstract start(): void;

  /** Resolves exec (once) and runs the cleanups. */
  protected finish(outcome: VerbOutcome, extra: FinishExtra = {}): void {
    if (this.settled) return;
    this.settled = true;
    for (const c of this.cleanups.splice(0)) c();
    this.resolveFn?.({ verb: this.name, outcome, ...extra });
  }

  get finished(): boolean {
    return this.settled;
  }

  protected onCleanup(fn: () => void): void {
    if (this.settled) fn();
    else this.cleanups.push(fn);
  }

  protected after(ms: number, fn: () => void): void {
    const h: TimerHandle = this.host.clock.setTimeout(fn, ms);
    this.onCleanup(() => this.host.clock.clearTimeout(h));
  }

  /** Media for the verb: early media only when the verb allows it, else the answer. */
  protected media(earlyMedia: boolean | undefined): boolean {
    return earlyMedia ? this.host.ensureMedia() : this.host.answer();
  }

  /** Stops the verb now: exec resolves with `killed`. */
  kill(): void {
    if (this.settled) return;
    this.onKill();
    this.finish('killed');
  }

  /** What to undo on kill beyond the cleanups (stop playback...). */
  protected onKill(): void {}
}
