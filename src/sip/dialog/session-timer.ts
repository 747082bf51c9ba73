/**
 * Session timers (RFC 4028): negotiation of Session-Expires / Min-SE and the refresher, and the
 * per-session timer that refreshes at half the interval (when we refresh) or ends the session
 * when no refresh came (when the peer refreshes, §10: at interval − min(32 s, interval/3)).
 */
import type { Clock, TimerHandle } from '../clock.js';
import type { HeaderList } from '../message/headers.js';

export interface SessionTimerConfig {
  /** Ask for / offer session timers. */
  enabled: boolean;
  /** Session-Expires we ask for, seconds (default 1800). */
  expires: number;
  /** Smallest interval we accept (Min-SE), seconds, ≥ 90 (§4). */
  minSE: number;
  /** How we refresh when we are the refresher. */
  refreshMethod: 'UPDATE' | 'INVITE';
}

export const DEFAULT_SESSION_TIMER: Readonly<SessionTimerConfig> = {
  enabled: true,
  expires: 1800,
  minSE: 90,
  refreshMethod: 'UPDATE',
};

export interface SessionExpires {
  delta: number;
  refresher: 'uac' | 'uas' | null;
}

export function parseSessionExpires(v: string | undefined): SessionExpires | null {
  if (v === undefined) return null;
  const m = /^\s*(\d{1,10})\s*(?:;(.*))?$/.exec(v);
  if (!m) return null;
  const r = /(?:^|;)\s*refresher\s*=\s*(uac|uas)\s*(?:;|$)/i.exec(m[2] ?? '');
  return { delta: Number(m[1]), refresher: r ? (r[1]!.toLowerCase() as 'uac' | 'uas') : null };
}

export function parseMinSE(v: string | undefined): number | null {
  if (v === undefined) return null;
  const m = /^\s*(\d{1,10})/.exec(v);
  return m ? Number(m[1]) : null;
}

export function hasOptionTag(h: HeaderList, header: string, tag: string): boolean {
  for (const v of h.getAll(header))
    for (const t of v.split(',')) if (t.trim().toLowerCase() === tag) return true;
  return false;
}

/** UAS side of an INVITE (§9): 422 with our Min-SE when too small, else the header for the 2xx. */
export type UasTimerDecision =
  | { kind: 'reject'; minSE: number }
  | { kind: 'none' }
  | { kind: 'accept'; delta: number; refresher: 'uac' | 'uas'; require: boolean };

export function uasNegotiate(req: HeaderList, cfg: SessionTimerConfig): UasTimerDecision {
  const se = parseSessionExpires(req.get('session-expires'));
  const uacSupports = hasOptionTag(req, 'supported', 'timer') || hasOptionTag(req, 'require', 'timer');
  if (se) {
    if (se.delta < cfg.minSE) return { kind: 'reject', minSE: cfg.minSE };
    // §9: refresher as asked; when the UAC left it open we let it refresh if it supports timers.
    const refresher = se.refresher ?? (uacSupports ? 'uac' : 'uas');
    return { kind: 'accept', delta: se.delta, refresher, require: uacSupports };
  }
  if (!cfg.enabled) return { kind: 'none' };
  const peerMin = parseMinSE(req.get('min-se')) ?? 0;
  // §9: no Session-Expires in the request, but we want timers: we are the refresher.
  return {
    kind: 'accept',
    delta: Math.max(cfg.expires, peerMin, cfg.minSE),
    refresher: 'uas',
    require: false,
  };
}

/** Headers for a 2xx carrying the decision. */
export function uasHeaders(d: UasTimerDecision): Array<[string, string]> {
  if (d.kind !== 'accept') return [];
  const out: Array<[string, string]> = [['Session-Expires', `${d.delta};refresher=${d.refresher}`]];
  if (d.require) out.push(['Require', 'timer']);
  return out;
}

/** UAC side: what a 2xx says about the interval and who refreshes (§7.4); null means no timer. */
export function uacOutcome(res: HeaderList): { delta: number; refresher: 'uac' | 'uas' } | null {
  const se = parseSessionExpires(res.get('session-expires'));
  if (!se) return null;
  return { delta: se.delta, refresher: se.refresher ?? 'uac' };
}

export interface SessionTimerHooks {
  /** Send a refresh (re-INVITE or UPDATE with Session-Expires). */
  refresh(): void;
  /** No refresh came in time: end the session with BYE. */
  expire(): void;
}

/** The running timer of one session. */
export class SessionTimer {
  private handle: TimerHandle | null = null;
  delta = 0;
  weRefresh = false;

  constructor(
    private readonly clock: Clock,
    private readonly hooks: SessionTimerHooks,
  ) {}

  /** (Re)starts after a successful negotiation or refresh. */
  start(delta: number, weRefresh: boolean): void {
    this.stop();
    this.delta = delta;
    this.weRefresh = weRefresh;
    const ms = weRefresh ? (delta * 1000) / 2 : (delta - Math.min(32, delta / 3)) * 1000;
    this.handle = this.clock.setTimeout(() => {
      this.handle = null;
      if (this.weRefresh) this.hooks.refresh();
      else this.hooks.expire();
    }, ms);
  }

  /** While our refresh is outstanding: end the session if it is still unanswered after `ms`. */
  guard(ms: number): void {
    this.stop();
    this.handle = this.clock.setTimeout(() => {
      this.handle = null;
      this.hooks.expire();
    }, ms);
  }

  get running(): boolean {
    return this.handle !== null;
  }

  stop(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }
}
