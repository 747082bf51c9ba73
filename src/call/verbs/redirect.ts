/** `redirect`: asks the application for new verbs (its `actionHook`), which replace what is left. */
import { z } from 'zod';
import { hookSchema, verbId } from './common-schema.js';
import { Verb } from './verb.js';

export const redirectSchema = z.strictObject({
  verb: z.literal('redirect'),
  id: verbId,
  actionHook: hookSchema,
});
export type RedirectSpec = z.infer<typeof redirectSchema>;

export class RedirectVerb extends Verb<RedirectSpec> {
  protected start(): void {
    this.finish('done', { hook: this.spec.actionHook, hookData: {}, replace: true });
  }
}
