/**
 * Our side of a blind transfer (RFC 3515): a REFER in the call's dialog, then the implicit
 * subscription's NOTIFYs, each carrying the transfer target's progress as a `message/sipfrag`
 * status line (§2.4.5). The transfer settles on the REFER's failure, on a NOTIFY with
 * `Subscription-State: terminated`, or at its deadline; every NOTIFY is answered 200 (§2.4.4).
 */
import type { InDialogRequest, Session, SipResponse } from '../sip/index.js';
import type { Clock, TimerHandle } from '../rtp/index.js';

export interface ReferSpec {
  /** A SIP URI (the Refer-To target). */
  readonly referTo: string;
  readonly referredBy?: string | undefined;
  readonly headers?: ReadonlyArray<[string, string]>;
  /** How long to wait for the final NOTIFY after a 202 (default 30 s). */
  readonly timeoutMs?: number;
  /** Each NOTIFY's sipfrag status code. */
  onNotify?(sipStatus: number): void;
}

export interface ReferResult {
  /** The REFER's own final status (202 accepted; 0 when it timed out or could not be sent). */
  readonly referStatus: number;
  /** The last sipfrag status line's code, when a NOTIFY carried one. */
  readonly finalStatus?: number;
}

/** The status code of a sipfrag body's first line (`SIP/2.0 200 OK`), or undefined. */
export function sipfragStatus(body: Buffer): number | undefined {
  const line = body.subarray(0, Math.min(body.length, 256)).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  const m = /^SIP\/2\.0\s+(\d{3})\b/i.exec(line.trim());
  return m ? Number(m[1]) : undefined;
}

export class ReferTransfer {
  private timer: TimerHandle | undefined;
  private referStatus = 0;
  private finalStatus: number | undefined;
  private settle: ((r: ReferResult) => void) | undefined;
  private settled = false;
  readonly done: Promise<ReferResult>;

  constructor(
    private readonly session: Session,
    private readonly clock: Clock,
    private readonly spec: ReferSpec,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  /** Sends the REFER; false when the dialog cannot carry it (the transfer settled at once). */
  start(): boolean {
    const headers: Array<[string, string]> = [['Refer-To', `<${this.spec.referTo}>`]];
    if (this.spec.referredBy) headers.push(['Referred-By', `<${this.spec.referredBy}>`]);
    for (const h of this.spec.headers ?? []) headers.push(h);
    const sent = this.session.request('REFER', { headers }, (res) => this.onReferResponse(res));
    if (!sent) this.finish();
    return sent;
  }

  private onReferResponse(res: SipResponse | null): void {
    this.referStatus = res?.status ?? 0;
    if (!res || res.status >= 300) return this.finish();
    // §2.4.4: NOTIFYs follow the 202; they may even have arrived before it.
    if (!this.settled && this.timer === undefined)
      this.timer = this.clock.setTimeout(() => this.finish(), this.spec.timeoutMs ?? 30_000);
  }

  /** A NOTIFY in the dialog: true when it belonged to this transfer (it is then answered). */
  onNotify(req: InDialogRequest): boolean {
    const event = (req.message.headers.get('event') ?? '').trim().toLowerCase();
    if (!event.startsWith('refer')) return false;
    const status = sipfragStatus(req.body);
    req.accept();
    if (status !== undefined) {
      this.finalStatus = status;
      try {
        this.spec.onNotify?.(status);
      } catch {
        // a listener's fault never breaks the subscription
      }
    }
    const state = (req.message.headers.get('subscription-state') ?? '').trim().toLowerCase();
    if (state.startsWith('terminated') || (status !== undefined && status >= 200)) this.finish();
    return true;
  }

  /** Ends the wait (the call ended, or the verb was killed). */
  stop(): void {
    this.finish();
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.settle?.({
      referStatus: this.referStatus,
      ...(this.finalStatus !== undefined ? { finalStatus: this.finalStatus } : {}),
    });
  }
}
