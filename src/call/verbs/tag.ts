/**
 * `tag`: attaches data to the call (jambonz): merged into the CDR's `tags` and sent back to the
 * application as `customerData` in later hooks. Bounded: 8 KB of JSON.
 */
import { z } from 'zod';
import { verbId } from './common-schema.js';
import { Verb } from './verb.js';

export const MAX_TAG_BYTES = 8192;

export const tagSchema = z.strictObject({
  verb: z.literal('tag'),
  id: verbId,
  data: z
    .record(z.string().min(1).max(64), z.unknown())
    .refine((d) => JSON.stringify(d).length <= MAX_TAG_BYTES, {
      message: `over ${MAX_TAG_BYTES} bytes of JSON`,
    }),
});
export type TagSpec = z.infer<typeof tagSchema>;

export class TagVerb extends Verb<TagSpec> {
  protected start(): void {
    const merged = { ...this.session.customerData, ...this.spec.data };
    if (JSON.stringify(merged).length > MAX_TAG_BYTES) {
      return this.finish('failed', { detail: `tags over ${MAX_TAG_BYTES} bytes` });
    }
    this.session.customerData = merged;
    this.host.tag(this.spec.data);
    this.finish('done');
  }
}
