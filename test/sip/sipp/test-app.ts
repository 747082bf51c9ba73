/**
 * The test application of the SIPp tests, built on SipStack: it answers (optionally ringing,
 * with reliable early media), holds the call N ms and hangs up — or waits for the caller's BYE —
 * or rejects with a given code, or rings forever; and it places calls. It records what happened.
 */
import { SipStack, type IncomingCall, type Session, type SipStackOptions } from '../../../src/sip/index.js';

export const APP_SDP = Buffer.from(
  'v=0\r\no=voicegate 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n',
);

export type Behaviour =
  | { kind: 'answer'; ring?: boolean; early?: boolean; holdMs?: number }
  | { kind: 'reject'; status: number }
  | { kind: 'ring' };

export interface AppStats {
  invites: number;
  answered: number;
  confirmed: number;
  rejected: number;
  cancelled: number;
  byesReceived: number;
  byesSent: number;
  ended: number;
  endReasons: Record<string, number>;
  reinvites: number;
  infos: string[];
  updates: number;
  pracks: number;
}

export class TestApp {
  readonly stack: SipStack;
  readonly stats: AppStats = {
    invites: 0,
    answered: 0,
    confirmed: 0,
    rejected: 0,
    cancelled: 0,
    byesReceived: 0,
    byesSent: 0,
    ended: 0,
    endReasons: {},
    reinvites: 0,
    infos: [],
    updates: 0,
    pracks: 0,
  };
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    opts: SipStackOptions,
    public behaviour: Behaviour,
  ) {
    this.stack = new SipStack(opts);
    this.stack.delegate.onInvite = (call) => this.onInvite(call);
  }

  get port(): number {
    return this.stack.transport.transports[0]!.local.port;
  }

  start(): Promise<void> {
    return this.stack.start();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await this.stack.stop();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private onInvite(call: IncomingCall): void {
    this.stats.invites++;
    const b = this.behaviour;
    call.delegate.onCancel = () => this.stats.cancelled++;
    if (b.kind === 'reject') {
      if (call.reject(b.status)) this.stats.rejected++;
      return;
    }
    if (b.kind === 'ring') {
      call.progress(180);
      return;
    }
    if (b.early && call.supports100rel) {
      call.delegate.onPrack = () => {
        this.stats.pracks++;
        this.answer(call);
      };
      call.progress(183, { body: APP_SDP, reliable: true });
      return;
    }
    if (b.ring) call.progress(180);
    this.answer(call);
  }

  private answer(call: IncomingCall): void {
    const b = this.behaviour;
    const s = call.accept({ body: APP_SDP });
    if (!s) return;
    this.stats.answered++;
    this.watch(s);
    if (b.kind === 'answer' && b.holdMs !== undefined) {
      s.delegate.onAck = () => {
        this.stats.confirmed++;
        this.later(b.holdMs!, () => {
          if (s.state === 'confirmed') {
            this.stats.byesSent++;
            s.bye();
          }
        });
      };
    }
  }

  /** Records what a session does; used for answered and placed calls. */
  watch(s: Session): void {
    s.delegate.onAck ??= () => this.stats.confirmed++;
    s.delegate.onReinvite = (r) => {
      this.stats.reinvites++;
      r.accept({ body: APP_SDP });
    };
    s.delegate.onUpdate = (r) => {
      this.stats.updates++;
      r.accept();
    };
    s.delegate.onInfo = (r) => {
      this.stats.infos.push(r.body.toString().replace(/\r?\n/g, ' ').trim());
      r.accept();
    };
    s.delegate.onTerminated = (reason) => {
      this.stats.ended++;
      this.stats.endReasons[reason] = (this.stats.endReasons[reason] ?? 0) + 1;
      if (reason === 'remote-bye') this.stats.byesReceived++;
    };
  }
}

/** Options for a stack on loopback with one trunk to SIPp at `sippPort`. */
export function loopbackOptions(sippPort: number, extra: Partial<SipStackOptions> = {}): SipStackOptions {
  return {
    listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
    trunks: [{ name: 'sipp', peers: [`127.0.0.1:${sippPort}`], transport: 'udp', acl: ['127.0.0.1'] }],
    ...extra,
  };
}
