/** Steps that use the media stream: play, collectDigits, sendDigits, record. */
import type { StepSpec } from '../call-types.js';
import type { RecordingHandle } from './step-context.js';
import { Step } from './step.js';

export class PlayStep extends Step {
  readonly type = 'play' as const;
  constructor(private readonly spec: Extract<StepSpec, { type: 'play' }>) {
    super();
  }

  protected start(): void {
    if (!this.ctx.ensureMedia()) return this.finish('failed', { detail: 'no media' });
    if (this.spec.bargeIn) {
      // A digit already typed ahead, or one arriving now, stops the prompt (and stays queued).
      if (this.ctx.digits.size > 0) return this.finish('barged');
      this.onCleanup(
        this.ctx.digits.watch(() => {
          this.finish('barged');
          this.ctx.stopPlayback();
        }),
      );
    }
    this.ctx.play(this.spec.file, (why, detail) => {
      if (why === 'done') this.finish('done');
      else if (why === 'error') this.finish('failed', detail !== undefined ? { detail } : {});
      else this.finish(why === 'closed' ? 'ended' : 'killed');
    });
  }

  protected override onKill(): void {
    this.ctx.stopPlayback();
  }
}

export class CollectDigitsStep extends Step {
  readonly type = 'collectDigits' as const;
  private got = '';

  constructor(private readonly spec: Extract<StepSpec, { type: 'collectDigits' }>) {
    super();
  }

  protected start(): void {
    if (!this.ctx.ensureMedia()) return this.finish('failed', { detail: 'no media' });
    for (let d = this.ctx.digits.take(); d !== undefined; d = this.ctx.digits.take()) {
      if (this.add(d)) return;
    }
    this.wait(this.got.length === 0 ? this.spec.firstDigitTimeoutMs : this.spec.interDigitTimeoutMs);
  }

  /** Takes one digit; true when collection ended. */
  private add(d: string): boolean {
    if (this.spec.terminator !== '' && this.spec.terminator.includes(d)) {
      this.done('done');
      return true;
    }
    this.got += d;
    if (this.got.length >= this.spec.maxDigits) {
      this.done('done');
      return true;
    }
    return false;
  }

  private wait(ms: number): void {
    let cancelTimer: (() => void) | undefined;
    const h = this.ctx.clock.setTimeout(() => {
      cancelNext();
      this.done(this.got.length > 0 ? 'done' : 'timeout');
    }, ms);
    cancelTimer = () => this.ctx.clock.clearTimeout(h);
    const cancelNext = this.ctx.digits.next((d) => {
      cancelTimer?.();
      cancelTimer = undefined;
      if (!this.add(d)) this.wait(this.spec.interDigitTimeoutMs);
    });
    this.onCleanup(() => {
      cancelTimer?.();
      cancelNext();
    });
  }

  private done(outcome: 'done' | 'timeout'): void {
    this.ctx.vars.set(this.spec.into, this.got);
    this.finish(outcome, { value: this.got });
  }

  protected override onKill(): void {
    this.ctx.vars.set(this.spec.into, this.got);
  }
}

/** `{name}` in a digit string is the value of that variable. */
export function expandDigits(template: string, vars: ReadonlyMap<string, string>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => vars.get(name) ?? '');
}

export class SendDigitsStep extends Step {
  readonly type = 'sendDigits' as const;
  constructor(private readonly spec: Extract<StepSpec, { type: 'sendDigits' }>) {
    super();
  }

  protected start(): void {
    if (!this.ctx.ensureMedia()) return this.finish('failed', { detail: 'no media' });
    const digits = expandDigits(this.spec.digits, this.ctx.vars);
    if (!/^[0-9*#A-Da-d]+$/.test(digits)) return this.finish('failed', { detail: `bad digits "${digits}"` });
    void this.ctx
      .sendDigits(digits, this.spec.method, this.spec.toneMs, this.spec.gapMs)
      .then((r) => this.finish(r.ok ? 'done' : 'failed', r.ok ? { value: digits } : { detail: r.reason }));
  }
}

export class RecordStep extends Step {
  readonly type = 'record' as const;
  private handle: RecordingHandle | undefined;

  constructor(private readonly spec: Extract<StepSpec, { type: 'record' }>) {
    super();
  }

  protected start(): void {
    if (!this.ctx.ensureMedia()) return this.finish('failed', { detail: 'no media' });
    void this.ctx.record(this.spec.file, this.spec.mode, this.spec.maxMs).then((h) => {
      if (typeof h === 'string') return this.finish('failed', { detail: h });
      this.handle = h;
      if (this.finished) return void this.stop();
      this.after(this.spec.maxMs, () => void this.stop('done'));
      if (this.spec.stopOnDigit) this.onCleanup(this.ctx.digits.watch(() => void this.stop('done')));
    });
  }

  private async stop(outcome?: 'done'): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (!h) return;
    try {
      const r = await h.stop();
      if (outcome) this.finish(outcome, { value: r.path, detail: `${r.durationMs} ms` });
    } catch (err) {
      if (outcome) this.finish('failed', { detail: (err as Error).message });
    }
  }

  protected override onKill(): void {
    void this.stop();
  }
}
