/**
 * `play` (jambonz): prompt files in order, `loop` times; `timeoutSecs` caps the whole verb;
 * `dtmfBargein` (default from `config`) stops it on a digit (the digit stays queued for a
 * gather). With an `actionHook` the outcome is posted: `reason` playCompleted | playInterrupted
 * | playFailed and `playback_milliseconds`.
 */
import { z } from 'zod';
import { hookSchema, promptFile, verbId } from './common-schema.js';
import { Verb, type VerbOutcome } from './verb.js';

export const playSchema = z.strictObject({
  verb: z.literal('play'),
  id: verbId,
  url: z.union([promptFile, z.array(promptFile).min(1).max(32)]),
  loop: z.number().int().min(1).max(100).optional(),
  earlyMedia: z.boolean().optional(),
  timeoutSecs: z.number().positive().max(3600).optional(),
  dtmfBargein: z.boolean().optional(),
  actionHook: hookSchema.optional(),
});
export type PlaySpec = z.infer<typeof playSchema>;

export class PlayVerb extends Verb<PlaySpec> {
  private files: string[] = [];
  private index = 0;
  private startMs = 0;

  protected start(): void {
    if (!this.media(this.spec.earlyMedia)) return this.end('failed', 'no media');
    const urls = Array.isArray(this.spec.url) ? this.spec.url : [this.spec.url];
    for (let i = 0; i < (this.spec.loop ?? 1); i++) this.files.push(...urls);
    this.startMs = this.host.clock.now();
    if (this.spec.dtmfBargein ?? this.session.dtmfBargein) {
      if (this.host.digits.size > 0) return this.end('barged');
      this.onCleanup(this.host.digits.watch(() => this.stopWith('barged')));
    }
    if (this.spec.timeoutSecs !== undefined) {
      this.after(this.spec.timeoutSecs * 1000, () => this.stopWith('timeout'));
    }
    this.next();
  }

  private next(): void {
    const file = this.files[this.index++];
    if (file === undefined) return this.end('done');
    this.host.play(file, (why, detail) => {
      if (this.finished) return;
      if (why === 'done') return this.next();
      if (why === 'error') return this.end('failed', detail);
      this.end(why === 'closed' ? 'ended' : 'killed');
    });
  }

  private stopWith(outcome: 'barged' | 'timeout'): void {
    if (this.finished) return;
    this.end(outcome);
    this.host.stopPlayback();
  }

  private end(outcome: VerbOutcome, detail?: string): void {
    const reason =
      outcome === 'done' || outcome === 'timeout'
        ? 'playCompleted'
        : outcome === 'failed'
          ? 'playFailed'
          : 'playInterrupted';
    this.finish(outcome, {
      ...(detail !== undefined ? { detail } : {}),
      ...(this.spec.actionHook && outcome !== 'killed' && outcome !== 'ended'
        ? {
            hook: this.spec.actionHook,
            hookData: { reason, playback_milliseconds: Math.round(this.host.clock.now() - this.startMs) },
          }
        : {}),
    });
  }

  protected override onKill(): void {
    this.host.stopPlayback();
  }
}
