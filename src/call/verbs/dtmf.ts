/**
 * `dtmf` (jambonz): sends digits to the caller. `duration` is each tone's length in ms (default
 * 500, as jambonz); `w` waits half a second (Twilio's sendDigits); `method` (voicegate) picks
 * RFC 4733, SIP INFO or in-band tones, default the trunk's `dtmfMethod`.
 */
import { z } from 'zod';
import { dtmfMethodSchema, verbId } from './common-schema.js';
import { Verb } from './verb.js';

export const dtmfSchema = z.strictObject({
  verb: z.literal('dtmf'),
  id: verbId,
  dtmf: z.string().regex(/^[0-9*#A-Dw]{1,64}$/, 'digits 0-9 * # A-D, w for a half-second wait (at most 64)'),
  duration: z.number().int().min(40).max(2000).optional(),
  /** Silence after each tone, ms (default 100). */
  gap: z.number().int().min(40).max(2000).optional(),
  method: dtmfMethodSchema.optional(),
});
export type DtmfSpec = z.infer<typeof dtmfSchema>;

export const WAIT_MS = 500;

export class DtmfVerb extends Verb<DtmfSpec> {
  protected start(): void {
    if (!this.host.ensureMedia()) return this.finish('failed', { detail: 'no media' });
    void this.send(this.spec.dtmf.split(/(w)/).filter((p) => p !== ''));
  }

  private async send(parts: string[]): Promise<void> {
    for (const part of parts) {
      if (this.finished) return;
      if (part === 'w') {
        await new Promise<void>((resolve) => {
          const h = this.host.clock.setTimeout(resolve, WAIT_MS);
          this.onCleanup(() => {
            this.host.clock.clearTimeout(h);
            resolve();
          });
        });
        continue;
      }
      const r = await this.host.sendDigits(
        part,
        this.spec.method,
        this.spec.duration ?? 500,
        this.spec.gap ?? 100,
      );
      if (!r.ok) return this.finish('failed', { detail: r.reason });
    }
    this.finish('done', { detail: this.spec.dtmf });
  }
}
