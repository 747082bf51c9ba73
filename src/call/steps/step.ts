/**
 * One step of an application: a class with exec() and kill() (the verbs shape of jambonz): exec
 * resolves once with the step's result, kill makes it resolve at once with `killed`. Timers and
 * subscriptions are registered as cleanups so a finished or killed step leaves nothing behind.
 */
import type { TimerHandle } from '../../rtp/index.js';
import type { StepType } from '../call-types.js';
import type { StepPayload } from '../speech/speech-types.js';
import type { StepContext } from './step-context.js';

export type StepOutcome = 'done' | 'timeout' | 'barged' | 'failed' | 'killed' | 'ended';

export interface StepResult {
  readonly type: StepType;
  readonly outcome: StepOutcome;
  /** What the step produced: collected digits, a recording path. */
  readonly value?: string;
  readonly detail?: string;
  /** The structured result of a speech step (a gather's actionHook payload, a say's cause). */
  readonly payload?: StepPayload;
}

export abstract class Step {
  abstract readonly type: StepType;
  private resolveFn: ((r: StepResult) => void) | undefined;
  private readonly cleanups: (() => void)[] = [];
  private settled = false;
  protected ctx!: StepContext;

  exec(ctx: StepContext): Promise<StepResult> {
    this.ctx = ctx;
    return new Promise<StepResult>((resolve) => {
      this.resolveFn = resolve;
      if (this.settled) return;
      if (ctx.ended) return this.finish('ended');
      try {
        this.start();
      } catch (err) {
        this.finish('failed', { detail: (err as Error).message });
      }
    });
  }

  protected abstract start(): void;

  /** Resolves exec (once) and runs the cleanups. */
  protected finish(
    outcome: StepOutcome,
    extra: { value?: string; detail?: string; payload?: StepPayload } = {},
  ): void {
    if (this.settled) return;
    this.settled = true;
    for (const c of this.cleanups.splice(0)) c();
    this.resolveFn?.({ type: this.type, outcome, ...extra });
  }

  get finished(): boolean {
    return this.settled;
  }

  protected onCleanup(fn: () => void): void {
    if (this.settled) fn();
    else this.cleanups.push(fn);
  }

  protected after(ms: number, fn: () => void): void {
    const h: TimerHandle = this.ctx.clock.setTimeout(fn, ms);
    this.onCleanup(() => this.ctx.clock.clearTimeout(h));
  }

  /** Stops the step now: exec resolves with `killed`. */
  kill(): void {
    this.onKill();
    this.finish('killed');
  }

  /** What to undo on kill beyond the cleanups (stop playback...). */
  protected onKill(): void {}
}
