/** `pause`: silence for `length` seconds (jambonz), media up (early media allowed). */
import { z } from 'zod';
import { verbId } from './common-schema.js';
import { Verb } from './verb.js';

export const pauseSchema = z.strictObject({
  verb: z.literal('pause'),
  id: verbId,
  length: z.number().min(0).max(3600),
});
export type PauseSpec = z.infer<typeof pauseSchema>;

export class PauseVerb extends Verb<PauseSpec> {
  protected start(): void {
    this.host.ensureMedia();
    this.after(this.spec.length * 1000, () => this.finish('done'));
  }
}
