/**
 * `say` (jambonz): text or SSML spoken by the call's synthesizer (the speech capability: the
 * call's MRCP session), `loop` times; options over the session's `config` synthesizer;
 * `dtmfBargein` stops it on a digit (the digit stays queued). `{name}` is left to the capability.
 */
import { z } from 'zod';
import { synthesizerSchema, synthesizerSettings, verbId } from './common-schema.js';
import type { Running, SayOutcome } from './verb-host.js';
import { Verb } from './verb.js';

const text = z.string().min(1).max(10_000);

export const saySchema = z.strictObject({
  verb: z.literal('say'),
  id: verbId,
  text: z.union([text, z.array(text).min(1).max(32)]),
  synthesizer: synthesizerSchema.optional(),
  loop: z.number().int().min(1).max(100).optional(),
  earlyMedia: z.boolean().optional(),
  dtmfBargein: z.boolean().optional(),
});
export type SaySpec = z.infer<typeof saySchema>;

export class SayVerb extends Verb<SaySpec> {
  private running: Running<SayOutcome> | undefined;

  protected start(): void {
    const speech = this.host.speech;
    if (!speech) return this.finish('unsupported', { detail: 'say needs a speech (MRCP) service' });
    if (!this.media(this.spec.earlyMedia)) return this.finish('failed', { detail: 'no media' });
    if (this.spec.dtmfBargein ?? this.session.dtmfBargein) {
      if (this.host.digits.size > 0) return this.finish('barged');
      this.onCleanup(
        this.host.digits.watch(() => {
          const r = this.running;
          this.finish('barged');
          r?.stop();
        }),
      );
    }
    const texts = Array.isArray(this.spec.text) ? this.spec.text : [this.spec.text];
    const synthesizer = synthesizerSettings(this.session.synthesizer, this.spec.synthesizer);
    void (async () => {
      for (let i = 0; i < (this.spec.loop ?? 1); i++) {
        for (const t of texts) {
          if (this.finished) return;
          this.running = speech.say({ text: t, synthesizer });
          const r = await this.running.done;
          this.running = undefined;
          if (r.cause !== 'normal') {
            return this.finish(r.cause === 'stopped' ? 'killed' : 'failed', {
              detail: r.details ? `${r.cause}: ${r.details}` : r.cause,
            });
          }
        }
      }
      this.finish('done');
    })();
  }

  protected override onKill(): void {
    this.running?.stop();
  }
}
