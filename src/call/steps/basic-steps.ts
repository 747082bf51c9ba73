/** The simple steps: answer, ring, pause, hangup. */
import type { StepSpec } from '../call-types.js';
import { Step } from './step.js';

export class AnswerStep extends Step {
  readonly type = 'answer' as const;
  protected start(): void {
    this.finish(this.ctx.answer() ? 'done' : 'failed');
  }
}

export class RingStep extends Step {
  readonly type = 'ring' as const;
  constructor(private readonly spec: Extract<StepSpec, { type: 'ring' }>) {
    super();
  }
  protected start(): void {
    this.ctx.ring();
    this.after(this.spec.ms, () => this.finish('done'));
  }
}

export class PauseStep extends Step {
  readonly type = 'pause' as const;
  constructor(private readonly spec: Extract<StepSpec, { type: 'pause' }>) {
    super();
  }
  protected start(): void {
    this.ctx.ensureMedia();
    this.after(this.spec.ms, () => this.finish('done'));
  }
}

export class HangupStep extends Step {
  readonly type = 'hangup' as const;
  constructor(private readonly spec: Extract<StepSpec, { type: 'hangup' }>) {
    super();
  }
  protected start(): void {
    this.ctx.hangup(this.spec.cause);
    this.finish('done');
  }
}
