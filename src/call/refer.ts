/**
 * Blind transfer by SIP REFER (RFC 3515): a REFER in the call's dialog asks the peer to call
 * `Refer-To` itself; the peer answers 202 (§2.4.2) and reports the new call's progress in
 * NOTIFYs with `Event: refer` and a `message/sipfrag` body (§2.4.4, §2.4.5) until one says
 * `Subscription-State: terminated`. Each NOTIFY is answered 200; its status line's code is
 * reported; the result is the REFER's status and the last sipfrag code. Bounded by `timeoutMs`.
 */
import type { Clock, TimerHandle } from '../rtp/index.js';
import type { InDialogRequest, Session } from '../sip/index.js';

export interface ReferOptions {
  /** A sip:/sips: URI, or a number sent to the host of the dialog's remote target. */
  readonly referTo: string;
  readonly referredBy?: string | undefined;
  readonly headers?: ReadonlyArray<[string, string]> | undefined;
  onNotify?(sipStatus: number): void;
  /** Longest wait for the final NOTIFY after the REFER was accepted (default 32 s). */
  readonly timeoutMs?: number | undefined;
}

export interface ReferResult {
  /** The REFER's final status (0: not sent, 408: no answer). */
  readonly referStatus: number;
  /** The last sipfrag status the NOTIFYs carried. */
  readonly finalStatus?: number;
}

/** `SIP/2.0 200 OK` → 200 (the first line of a message/sipfrag body, RFC 3420). */
export function sipfragStatus(body: Buffer): number | undefined {
  const line = body.subarray(0, 256).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  const m = /^SIP\/2\.0 ([1-6][0-9]{2})\b/.exec(line);
  return m ? Number(m[1]) : undefined;
}

/** A number becomes a SIP URI at the host (and port) of the remote target. */
export function referTarget(referTo: string, remoteTarget: string): string {
  if (/^sips?:/i.test(referTo)) return referTo;
  const m = /^sips?:(?:[^@;>]*@)?([^;>?]+)/i.exec(remoteTarget);
  return `sip:${referTo}@${m?.[1] ?? 'invalid'}`;
}

const EXCLUDED =
  /^(refer-to|referred-by|event|via|from|to|call-id|cseq|contact|content-length|max-forwards)$/i;

export class ReferTransfer {
  private resolveFn: ((r: ReferResult) => void) | undefined;
  private referStatus = 0;
  private finalStatus: number | undefined;
  private timer: TimerHandle | undefined;
  private settled = false;

  constructor(
    private readonly session: Session,
    private readonly clock: Clock,
    private readonly o: ReferOptions,
  ) {}

  /** Sends the REFER; resolves at the final NOTIFY, a refused REFER, the timeout or stop(). */
  start(): Promise<ReferResult> {
    return new Promise<ReferResult>((resolve) => {
      this.resolveFn = resolve;
      const target = referTarget(this.o.referTo, this.session.dialog.remoteTarget);
      const headers: Array<[string, string]> = [['Refer-To', `<${target}>`]];
      if (this.o.referredBy) headers.push(['Referred-By', `<${this.o.referredBy}>`]);
      for (const h of this.o.headers ?? []) if (!EXCLUDED.test(h[0])) headers.push(h);
      const sent = this.session.request('REFER', { headers }, (res) => {
        this.referStatus = res?.status ?? 408;
        if (this.referStatus >= 300) this.end();
      });
      if (!sent) return this.end();
      this.timer = this.clock.setTimeout(() => this.end(), this.o.timeoutMs ?? 32_000);
    });
  }

  /** A NOTIFY of the dialog: true when it was this transfer's (and it was answered). */
  onNotify(req: InDialogRequest): boolean {
    if (this.settled) return false;
    const event = req.message.headers.get('event') ?? '';
    if (!/^refer\b/i.test(event.trim())) return false;
    req.accept();
    const status = sipfragStatus(req.body);
    if (status !== undefined) {
      this.finalStatus = status;
      this.o.onNotify?.(status);
    }
    const state = req.message.headers.get('subscription-state') ?? '';
    if (/^terminated\b/i.test(state.trim())) this.end();
    return true;
  }

  stop(): void {
    this.end();
  }

  private end(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.resolveFn?.({
      referStatus: this.referStatus,
      ...(this.finalStatus !== undefined ? { finalStatus: this.finalStatus } : {}),
    });
  }
}
