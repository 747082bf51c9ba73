/**
 * `transfer` (jambonz's `sip:refer`, accepted under both names): asks the caller's side to call
 * `referTo` itself with a SIP REFER (RFC 3515 §2.4); each NOTIFY's sipfrag status is reported
 * as `verb:status` progress. A 2xx final NOTIFY hangs our leg up (the transfer is done); a
 * refused REFER or a failed transfer falls back to `dial` to the same target (when the host can
 * dial and `dialFallback` is not false). Posts `refer_status`, `final_referred_call_status` and,
 * after a fallback, the dial's fields to its `actionHook`.
 */
import { z } from 'zod';
import { headersSchema, hookSchema, verbId } from './common-schema.js';
import type { DialOutcome, DialTarget, ReferOutcome, Running } from './verb-host.js';
import { Verb } from './verb.js';

export const transferSchema = z.strictObject({
  verb: z.enum(['transfer', 'sip:refer']),
  id: verbId,
  referTo: z.string().regex(/^(sips?:[^\s<>]{1,2040}|\+?[0-9*#]{1,64})$/, 'a sip: URI or a number'),
  referredBy: z
    .string()
    .regex(/^sips?:[^\s<>]{1,2040}$/, 'a sip: URI')
    .optional(),
  headers: headersSchema.optional(),
  dialFallback: z.boolean().optional(),
  /** Trunk of the fallback dial. */
  trunk: z.string().min(1).max(64).optional(),
  /** Ring time of the fallback dial, seconds. */
  timeout: z.number().int().min(1).max(600).optional(),
  actionHook: hookSchema.optional(),
});
export type TransferSpec = z.infer<typeof transferSchema>;

export class TransferVerb extends Verb<TransferSpec> {
  private refer: Running<ReferOutcome> | undefined;
  private dial: Running<DialOutcome> | undefined;

  protected start(): void {
    if (!this.host.refer && !this.host.dial) {
      return this.finish('unsupported', { detail: 'transfer needs SIP REFER or the dialer' });
    }
    void this.run();
  }

  private async run(): Promise<void> {
    let refer: ReferOutcome | undefined;
    // A REFER goes in a confirmed dialog (RFC 3515 §2.4.1): the caller is answered first.
    if (this.host.refer && this.host.answer()) {
      this.refer = this.host.refer({
        referTo: this.spec.referTo,
        referredBy: this.spec.referredBy,
        headers: this.spec.headers ?? {},
        onNotify: (sipStatus) => this.session.progress(this.name, { event: 'notify', sip_status: sipStatus }),
      });
      refer = await this.refer.done;
      this.refer = undefined;
      if (this.finished) return;
      const fin = refer.finalStatus;
      if (
        refer.referStatus >= 200 &&
        refer.referStatus < 300 &&
        fin !== undefined &&
        fin >= 200 &&
        fin < 300
      ) {
        this.finish('done', { detail: `refer ${fin}`, last: true, ...this.hookFor(refer, undefined) });
        return this.host.hangup(16);
      }
    }
    const dial = this.host.dial?.bind(this.host);
    if (!dial || this.spec.dialFallback === false) {
      return this.finish('failed', {
        detail: `refer ${refer?.referStatus ?? 'unavailable'}`,
        ...this.hookFor(refer, undefined),
      });
    }
    const target: DialTarget = this.spec.referTo.startsWith('sip')
      ? { type: 'sip', sipUri: this.spec.referTo, trunk: this.spec.trunk }
      : { type: 'phone', number: this.spec.referTo, trunk: this.spec.trunk };
    this.dial = dial({
      targets: [target],
      timeout: this.spec.timeout ?? 60,
      headers: this.spec.headers ?? {},
      answerOnBridge: false,
    });
    const d = await this.dial.done;
    this.dial = undefined;
    this.finish(d.dial_call_status === 'completed' ? 'done' : 'failed', {
      detail: `dial ${d.dial_call_status}`,
      ...this.hookFor(refer, d),
    });
  }

  private hookFor(
    refer: ReferOutcome | undefined,
    dial: DialOutcome | undefined,
  ): { hook?: TransferSpec['actionHook']; hookData?: Record<string, unknown> } {
    if (!this.spec.actionHook) return {};
    return {
      hook: this.spec.actionHook,
      hookData: {
        ...(refer ? { refer_status: refer.referStatus } : {}),
        ...(refer?.finalStatus !== undefined ? { final_referred_call_status: refer.finalStatus } : {}),
        ...(dial ? { ...dial } : {}),
      },
    };
  }

  protected override onKill(): void {
    this.refer?.stop();
    this.dial?.stop();
  }
}
