/**
 * REGISTER client for a trunk that wants registration (RFC 3261 §10.2): one Call-ID for the
 * binding with increasing CSeq, refresh before expiry, 401/407 answered with credentials,
 * 423 retried with Min-Expires, retry after failures, Expires: 0 on stop.
 *
 *   idle ──start──▶ registering ──2xx──▶ registered ──refresh──▶ registering
 *                        └──failure──▶ failed ──retry──▶ registering
 */
import type { Clock, TimerHandle } from '../clock.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { authorize, pickChallenge, type DigestCredentials } from './digest.js';

export type RegistrationState = 'idle' | 'registering' | 'registered' | 'failed';

export interface RegistrationHooks {
  /** Builds a REGISTER (next CSeq, same Call-ID) with these extra headers. */
  build(expires: number, extra: Array<[string, string]>): SipRequest;
  /** Sends it; `done` gets the final response, or null on timeout / transport error. */
  send(req: SipRequest, done: (res: SipResponse | null) => void): void;
  onState(state: RegistrationState): void;
}

export class Registration {
  state: RegistrationState = 'idle';
  /** Seconds granted by the registrar in the last 2xx. */
  granted = 0;
  private timer: TimerHandle | null = null;
  private expires: number;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    expires: number,
    private readonly credentials: DigestCredentials | undefined,
    private readonly hooks: RegistrationHooks,
    private readonly retryMs = 30_000,
  ) {
    this.expires = expires;
  }

  private set(state: RegistrationState): void {
    if (state === this.state) return;
    this.state = state;
    this.hooks.onState(state);
  }

  start(): void {
    this.stopped = false;
    this.register([], false);
  }

  private register(extra: Array<[string, string]>, authTried: boolean): void {
    if (this.stopped) return;
    this.set('registering');
    const req = this.hooks.build(this.expires, extra);
    this.hooks.send(req, (res) => this.result(req, res, authTried));
  }

  private result(req: SipRequest, res: SipResponse | null, authTried: boolean): void {
    if (this.stopped) return;
    if (res && res.status >= 200 && res.status < 300) {
      this.granted = grantedExpires(res, this.expires);
      this.set('registered');
      // Refresh a little before expiry: at 90 %, and at least 5 s early.
      const ms = Math.max(1000, Math.min(this.granted * 900, (this.granted - 5) * 1000));
      this.later(ms);
      return;
    }
    if (res && (res.status === 401 || res.status === 407) && this.credentials && !authTried) {
      const ch = pickChallenge(
        res.headers.getAll(res.status === 401 ? 'www-authenticate' : 'proxy-authenticate'),
      );
      if (ch) {
        const name = res.status === 401 ? 'Authorization' : 'Proxy-Authorization';
        this.register([[name, authorize(ch, this.credentials, 'REGISTER', req.uri)]], true);
        return;
      }
    }
    if (res && res.status === 423) {
      const min = Number(res.headers.get('min-expires'));
      if (Number.isInteger(min) && min > this.expires) {
        this.expires = min;
        this.register([], false);
        return;
      }
    }
    this.set('failed');
    const ra = res ? Number(res.headers.get('retry-after')) : NaN;
    this.later(Number.isFinite(ra) && ra > 0 ? ra * 1000 : this.retryMs);
  }

  private later(ms: number): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.register([], false);
    }, ms);
  }

  /** Stops refreshing and removes the binding (Expires: 0), best effort. */
  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.state === 'registered') this.hooks.send(this.hooks.build(0, []), () => {});
    this.set('idle');
  }
}

/** Expires granted: the Contact's expires parameter, else the Expires header, else what we asked. */
function grantedExpires(res: SipResponse, asked: number): number {
  for (const c of res.headers.getAll('contact')) {
    const m = /;\s*expires\s*=\s*(\d+)/i.exec(c);
    if (m) return Number(m[1]);
  }
  const e = Number(res.headers.get('expires'));
  return Number.isInteger(e) && e > 0 ? e : asked;
}
