/**
 * The call detail record written once per call, at its end: one JSON line through the logger
 * (component `cdr`) and a metric update by the daemon. Times are ISO 8601; durations in ms.
 */
import type { MediaStreamStats } from '../media/index.js';
import type { CdrDialing } from './dial-types.js';
import type { LegEnd } from './leg-state.js';

export interface CdrRtp {
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly octetsSent: number;
  readonly octetsReceived: number;
  readonly lost: number;
  readonly lossPercent: number;
  readonly jitterMs: number;
  readonly rttMs: number | null;
  readonly mos: number;
  readonly rFactor: number;
  readonly ssrcChanges: number;
  readonly concealedMs: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly remote: string | null;
}

export interface Cdr {
  readonly type: 'cdr';
  readonly callId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly trunk: string | null;
  readonly from: string;
  readonly to: string;
  readonly app: string | null;
  readonly start: string;
  readonly ring: string | null;
  readonly answer: string | null;
  readonly end: string;
  /** From the INVITE to the end. */
  readonly durationMs: number;
  /** From the answer to the end (0 when never answered). */
  readonly talkMs: number;
  readonly endCause: {
    /** caller / callee: the far end ended it; voicegate: we did. */
    readonly by: 'caller' | 'callee' | 'voicegate';
    readonly what: string;
    readonly sipCode: number | null;
    readonly q850: number;
    readonly reason: string | null;
  };
  readonly codec: string | null;
  readonly earlyMedia: boolean;
  /** Times the peer put the call on hold (re-INVITE/UPDATE sendonly, inactive or c=0.0.0.0). */
  readonly holds: number;
  /** Every digit received, in order, whatever carried it. */
  readonly digits: string;
  readonly digitSources: { readonly rfc4733: number; readonly inband: number; readonly info: number };
  readonly rtp: CdrRtp | null;
  readonly steps: readonly { readonly type: string; readonly outcome: string; readonly value?: string }[];
  /** Data the application attached (the `tag` verb); absent when none. */
  readonly tags?: Readonly<Record<string, unknown>>;
  /** Outbound dials: the plan's outcome, timings, attempts and digits sent. */
  readonly dialing?: CdrDialing;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export interface CdrInput {
  callId: string;
  direction: 'inbound' | 'outbound';
  trunk: string | null;
  from: string;
  to: string;
  app: string | null;
  times: { start: number; ring: number | undefined; answer: number | undefined; end: number };
  end: LegEnd;
  stats: MediaStreamStats | undefined;
  earlyMedia: boolean;
  holds: number;
  digits: readonly string[];
  steps: readonly { type: string; outcome: string; value?: string }[];
  tags?: Readonly<Record<string, unknown>> | undefined;
}

export function buildCdr(i: CdrInput): Cdr {
  const s = i.stats;
  const r = s?.rtp;
  return {
    type: 'cdr',
    callId: i.callId,
    direction: i.direction,
    trunk: i.trunk,
    from: i.from,
    to: i.to,
    app: i.app,
    start: iso(i.times.start) as string,
    ring: iso(i.times.ring),
    answer: iso(i.times.answer),
    end: iso(i.times.end) as string,
    durationMs: Math.max(0, Math.round(i.times.end - i.times.start)),
    talkMs: i.times.answer === undefined ? 0 : Math.max(0, Math.round(i.times.end - i.times.answer)),
    endCause: {
      by: i.end.by === 'local' ? 'voicegate' : i.direction === 'inbound' ? 'caller' : 'callee',
      what: i.end.what,
      sipCode: i.end.sipCode ?? null,
      q850: i.end.q850,
      reason: i.end.reason ?? null,
    },
    codec: s?.codec ?? null,
    earlyMedia: i.earlyMedia,
    holds: i.holds,
    digits: i.digits.join(''),
    digitSources: s?.digits ?? { rfc4733: 0, inband: 0, info: 0 },
    rtp: r
      ? {
          packetsSent: r.sent.packets,
          packetsReceived: r.received.packets,
          octetsSent: r.sent.octets,
          octetsReceived: r.received.octets,
          lost: r.received.lost,
          lossPercent: Math.round(r.received.lossPercent * 100) / 100,
          jitterMs: Math.round(r.received.jitterMs * 10) / 10,
          rttMs: r.rttMs === undefined ? null : Math.round(r.rttMs),
          mos: Math.round(r.mos * 100) / 100,
          rFactor: Math.round(r.rFactor),
          ssrcChanges: r.ssrcChanges,
          concealedMs: s.concealedMs,
          dropped: Object.fromEntries(Object.entries(r.drops).filter(([, n]) => n > 0)),
          remote: r.remote.address === undefined ? null : `${r.remote.address}:${r.remote.port}`,
        }
      : null,
    steps: i.steps,
    ...(i.tags && Object.keys(i.tags).length > 0 ? { tags: i.tags } : {}),
  };
}
