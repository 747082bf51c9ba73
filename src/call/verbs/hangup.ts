/**
 * `hangup`: ends the call with a Q.850 cause in the SIP Reason header (RFC 3326 §2) and any
 * custom headers (jambonz `headers`) on the BYE, or on the final response before the answer.
 */
import { z } from 'zod';
import { headersSchema, q850Schema, verbId } from './common-schema.js';
import { Verb } from './verb.js';

export const hangupSchema = z.strictObject({
  verb: z.literal('hangup'),
  id: verbId,
  /** Q.850 cause (default 16, normal clearing). */
  cause: q850Schema.optional(),
  headers: headersSchema.optional(),
});
export type HangupSpec = z.infer<typeof hangupSchema>;

const RESERVED =
  /^(reason|via|from|to|call-id|cseq|contact|content-length|content-type|max-forwards|route)$/i;

export class HangupVerb extends Verb<HangupSpec> {
  protected start(): void {
    const headers = Object.entries(this.spec.headers ?? {}).filter(([k]) => !RESERVED.test(k));
    // Settled first: the call's end (reported synchronously by the hang-up) must not kill this verb.
    this.finish('done', { last: true });
    this.host.hangup(this.spec.cause ?? 16, headers);
  }
}
