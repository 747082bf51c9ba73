/**
 * `dial` (jambonz): calls one or more targets (a number through a trunk — privacy numbers through
 * their dialing plan — or a SIP URI) and bridges the caller to the first that answers, media
 * transcoded as needed; `timeout` is the ring time (s, default 60), `timeLimit` the longest
 * bridge, `answerOnBridge` keeps the caller unanswered until the callee answers. Posts
 * `dial_call_status`, `dial_sip_status`, `dial_call_sid`, `dial_call_duration` to its
 * `actionHook`. Runs on the host's dial capability.
 */
import { z } from 'zod';
import { headersSchema, hookSchema, verbId } from './common-schema.js';
import type { DialOutcome, Running } from './verb-host.js';
import { Verb } from './verb.js';

const trunk = z.string().min(1).max(64);

export const dialTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('phone'),
    number: z.string().regex(/^\+?[0-9*#A-Za-z\u8f6c,;-]{1,64}$/, 'a phone or privacy number'),
    trunk: trunk.optional(),
  }),
  z.strictObject({
    type: z.literal('sip'),
    sipUri: z.string().regex(/^sips?:[^\s<>]{1,2040}$/, 'a sip: or sips: URI'),
    trunk: trunk.optional(),
  }),
]);

export const dialSchema = z.strictObject({
  verb: z.literal('dial'),
  id: verbId,
  target: z.array(dialTargetSchema).min(1).max(10),
  callerId: z.string().min(1).max(128).optional(),
  timeout: z.number().int().min(1).max(600).optional(),
  timeLimit: z.number().int().min(1).max(86_400).optional(),
  answerOnBridge: z.boolean().optional(),
  headers: headersSchema.optional(),
  /** voicegate: privacy-number dialing plan override. */
  plan: z.string().min(1).max(64).optional(),
  actionHook: hookSchema.optional(),
});
export type DialSpec = z.infer<typeof dialSchema>;

export class DialVerb extends Verb<DialSpec> {
  private running: Running<DialOutcome> | undefined;

  protected start(): void {
    const dial = this.host.dial?.bind(this.host);
    if (!dial) return this.finish('unsupported', { detail: 'dial needs the dialer (CallManager.dial)' });
    const answerOnBridge = this.spec.answerOnBridge ?? false;
    if (!answerOnBridge && !this.host.answer()) return this.finish('failed', { detail: 'no media' });
    const run = dial({
      targets: this.spec.target,
      callerId: this.spec.callerId,
      timeout: this.spec.timeout ?? 60,
      timeLimit: this.spec.timeLimit,
      headers: this.spec.headers ?? {},
      plan: this.spec.plan,
      answerOnBridge,
    });
    this.running = run;
    void run.done.then((o) => {
      this.running = undefined;
      this.finish(o.dial_call_status === 'completed' ? 'done' : 'failed', {
        detail: o.dial_call_status,
        ...(this.spec.actionHook ? { hook: this.spec.actionHook, hookData: { ...o } } : {}),
      });
    });
  }

  protected override onKill(): void {
    this.running?.stop();
  }
}
