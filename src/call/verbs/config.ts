/**
 * `config`: session defaults for the verbs after it (jambonz): the synthesizer and recognizer
 * used when a say or gather names none, and barge-in defaults (`bargeIn.enable`: speech stops a
 * gather's prompt; `bargeIn.dtmfBargein`: a digit stops say and play). Changes no media.
 */
import { z } from 'zod';
import { recognizerSchema, synthesizerSchema, verbId } from './common-schema.js';
import { Verb } from './verb.js';

export const configSchema = z.strictObject({
  verb: z.literal('config'),
  id: verbId,
  synthesizer: synthesizerSchema.optional(),
  recognizer: recognizerSchema.optional(),
  bargeIn: z
    .strictObject({
      enable: z.boolean().optional(),
      dtmfBargein: z.boolean().optional(),
    })
    .optional(),
  /** Reset the named defaults to voicegate's before applying the rest. */
  reset: z.array(z.enum(['synthesizer', 'recognizer', 'bargeIn'])).optional(),
});
export type ConfigSpec = z.infer<typeof configSchema>;

export class ConfigVerb extends Verb<ConfigSpec> {
  protected start(): void {
    const s = this.session;
    for (const r of this.spec.reset ?? []) {
      if (r === 'synthesizer') s.synthesizer = {};
      else if (r === 'recognizer') s.recognizer = {};
      else {
        s.bargein = true;
        s.dtmfBargein = false;
      }
    }
    if (this.spec.synthesizer) s.synthesizer = { ...s.synthesizer, ...this.spec.synthesizer };
    if (this.spec.recognizer) s.recognizer = { ...s.recognizer, ...this.spec.recognizer };
    if (this.spec.bargeIn?.enable !== undefined) s.bargein = this.spec.bargeIn.enable;
    if (this.spec.bargeIn?.dtmfBargein !== undefined) s.dtmfBargein = this.spec.bargeIn.dtmfBargein;
    this.finish('done');
  }
}
