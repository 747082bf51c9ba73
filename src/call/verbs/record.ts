/**
 * `record` (Twilio's <Record> meanings: `maxLength` seconds, `finishOnKey`, `playBeep`): records
 * the call to a WAV file under the recordings folder (`{callId}`, `{time}` in `file` are
 * replaced), then posts `recording_file`, `recording_duration_ms` and the key that ended it
 * (`digits`) to its `actionHook`. `mode` (voicegate): received | sent | mixed | stereo. `playBeep`
 * plays `beep` (a prompt file, default `beep.wav`); without that file the recording starts at once.
 */
import { z } from 'zod';
import { hookSchema, promptFile, verbId } from './common-schema.js';
import type { HostRecording } from './verb-host.js';
import { Verb } from './verb.js';

export const recordSchema = z.strictObject({
  verb: z.literal('record'),
  id: verbId,
  file: z
    .string()
    .min(1)
    .max(255)
    .regex(
      /^[A-Za-z0-9_{}.-][A-Za-z0-9_{}./-]*$/,
      'a relative file name (letters, digits, _ - . / {callId} {time})',
    )
    .refine((s) => !s.split('/').includes('..'), { message: 'must stay under the recordings folder' })
    .optional(),
  maxLength: z.number().positive().max(14_400).optional(),
  finishOnKey: z
    .string()
    .regex(/^[0-9*#A-D]{1,16}$/, 'DTMF keys')
    .optional(),
  playBeep: z.boolean().optional(),
  beep: promptFile.optional(),
  mode: z.enum(['received', 'sent', 'mixed', 'stereo']).optional(),
  actionHook: hookSchema.optional(),
});
export type RecordSpec = z.infer<typeof recordSchema>;

export class RecordVerb extends Verb<RecordSpec> {
  private handle: HostRecording | undefined;
  private key: string | undefined;

  protected start(): void {
    if (!this.host.answer()) return this.finish('failed', { detail: 'no media' });
    if (this.spec.playBeep) {
      this.host.play(this.spec.beep ?? 'beep.wav', () => {
        if (!this.finished) this.begin();
      });
    } else this.begin();
  }

  private begin(): void {
    const maxMs = (this.spec.maxLength ?? 3600) * 1000;
    void this.host
      .record(this.spec.file ?? 'rec-{callId}-{time}.wav', this.spec.mode ?? 'stereo', maxMs)
      .then((h) => {
        if (typeof h === 'string') return this.finish('failed', { detail: h });
        this.handle = h;
        if (this.finished) return void this.stop(undefined);
        this.after(maxMs, () => void this.stop('done'));
        const keys = this.spec.finishOnKey;
        if (keys !== undefined) {
          this.onCleanup(
            this.host.digits.watch((d) => {
              if (!keys.includes(d)) return;
              this.key = d;
              void this.stop('done');
            }),
          );
        }
      });
  }

  private async stop(outcome: 'done' | undefined): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (!h) return;
    try {
      const r = await h.stop();
      if (!outcome) return;
      this.finish(outcome, {
        detail: r.path,
        ...(this.spec.actionHook
          ? {
              hook: this.spec.actionHook,
              hookData: {
                recording_file: r.path,
                recording_duration_ms: r.durationMs,
                ...(this.key !== undefined ? { digits: this.key } : {}),
              },
            }
          : {}),
      });
    } catch (err) {
      if (outcome) this.finish('failed', { detail: (err as Error).message });
    }
  }

  protected override onKill(): void {
    if (!this.handle) this.host.stopPlayback();
    void this.stop(undefined);
  }
}
