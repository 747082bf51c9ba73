/**
 * Runs steps in order on a call. Ready for the verbs API: steps can be appended while running
 * (`enqueue`), the running one replaced (`interrupt`), and everything stopped (`kill`). The run
 * ends when the list is exhausted, a hangup step ran, or the call ended.
 */
import type { StepSpec } from '../call-types.js';
import type { StepContext } from './step-context.js';
import { createStep } from './step-factory.js';
import type { Step, StepResult } from './step.js';

export interface StepRecord extends StepResult {
  readonly startMs: number;
  readonly endMs: number;
}

export class StepExecutor {
  private readonly queue: StepSpec[] = [];
  private current: Step | undefined;
  private killed = false;
  private running = false;
  readonly records: StepRecord[] = [];

  constructor(
    private readonly ctx: StepContext,
    private readonly factory: (spec: StepSpec) => Step = createStep,
    private readonly maxRecords = 64,
  ) {}

  get busy(): boolean {
    return this.running;
  }

  get currentType(): string | undefined {
    return this.current?.type;
  }

  enqueue(steps: readonly StepSpec[]): void {
    this.queue.push(...steps);
  }

  /** Runs everything queued (and what gets queued meanwhile); resolves with the step records. */
  async run(steps: readonly StepSpec[] = []): Promise<StepRecord[]> {
    this.enqueue(steps);
    if (this.running) return this.records;
    this.running = true;
    try {
      while (!this.killed && !this.ctx.ended) {
        const spec = this.queue.shift();
        if (!spec) break;
        const step = this.factory(spec);
        this.current = step;
        const startMs = this.ctx.clock.now();
        this.ctx.logger.debug('step start', { callId: this.ctx.callId, step: spec.type });
        const r = await step.exec(this.ctx);
        this.current = undefined;
        const rec = { ...r, startMs, endMs: this.ctx.clock.now() };
        if (this.records.length < this.maxRecords) this.records.push(rec);
        this.ctx.logger.debug('step end', {
          callId: this.ctx.callId,
          step: spec.type,
          outcome: r.outcome,
          ...(r.value !== undefined ? { value: r.value } : {}),
        });
        if (spec.type === 'hangup') break;
      }
    } finally {
      this.running = false;
    }
    return this.records;
  }

  /** Kills the running step (the next queued one runs). */
  interrupt(): void {
    this.current?.kill();
  }

  /** Stops everything: the running step is killed and the queue dropped. */
  kill(): void {
    this.killed = true;
    this.queue.length = 0;
    this.current?.kill();
  }
}
