/**
 * Outbound dials (CallManager.dial): what is asked, what can go wrong before a call exists,
 * what happens once the callee is reached, and the events a dial reports on its way.
 */
import type { DialResult, StructuredNumber } from '../dialing/index.js';
import type { AppSpec } from './call-types.js';

/**
 * Once the plan reached the callee (`reached_extension`, or `answered` for a plain number):
 * hang up; run steps as inbound applications do; keep an application spec on the call for
 * the verbs API; or hand the call to whoever bridges it (the `dial` verb). The last two stay up,
 * bounded by the dialer's `connectedMaxMs`.
 */
export type ConnectedAction =
  | { readonly type: 'hangup' }
  /** Steps: inline, or the name of a configured application (`calls.apps`). */
  | { readonly type: 'app'; readonly app: AppSpec | string }
  | { readonly type: 'external'; readonly spec: Readonly<Record<string, unknown>> }
  /**
   * The callee's call (by SIP Call-ID, in the manager's table) once reached, maybe still in early
   * media, for this dial's owner only.
   */
  | { readonly type: 'bridge'; readonly onConnected: (callId: string) => void };

export interface DialSpec {
  /** A privacy number in any accepted form, a plain number, `{number, extension}` or a sip:/tel: URI. */
  readonly to: string | StructuredNumber;
  /** SIP trunk name (its carrier profile: see the dialer's trunk mapping). */
  readonly trunk: string;
  /** Caller number (default: the carrier profile's `callerId.number`, else the trunk's From). */
  readonly from?: string | undefined;
  /** Plan override (by name). */
  readonly plan?: string | undefined;
  /** Platform profile override (by name). */
  readonly platform?: string | undefined;
  /** Replaces every waitFor timeout of the plan (how long X may ring). */
  readonly ringTimeoutMs?: number | undefined;
  /** Default: hang up. */
  readonly connected?: ConnectedAction | undefined;
  /** Caller data copied into the CDR. */
  readonly tag?: Readonly<Record<string, string | number | boolean>> | undefined;
}

export type DialErrorCode =
  | 'draining'
  | 'unknown_trunk'
  | 'invalid_number'
  | 'unknown_plan'
  | 'unknown_platform'
  | 'bad_request'
  | 'queue_full'
  | 'too_many_dials'
  | 'unknown_app'
  | 'unavailable';

export interface DialError {
  readonly code: DialErrorCode;
  readonly message: string;
  /** queue_full: when a retry may find room. */
  readonly retryAfterSeconds?: number;
  /** invalid_number: the parser's code (`masked_number`, `extension_too_short`...). */
  readonly reason?: string;
}

export type DialState = 'queued' | 'dialing' | 'connected' | 'ending' | 'ended';

/** One event of a dial or of an inbound call, as the manager reports it to subscribers. */
export interface ManagerEvent {
  /** `call.queued`, `call.dialing`, `call.progress`, `call.answered`, `dial.step`, `dial.heard`… */
  readonly type: string;
  /** The dial id for outbound dials, the SIP Call-ID for inbound calls. */
  readonly callId: string;
  /** Epoch ms. */
  readonly time: number;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The dialing section of an outbound dial's CDR. */
export interface CdrDialing {
  readonly id: string;
  readonly platform: string;
  readonly plan: string;
  readonly requestUser: string;
  readonly extension: string | null;
  readonly outcome: DialResult['outcome'];
  readonly detail: string;
  readonly sipCode: number | null;
  readonly reason: string | null;
  /** ms the request waited in its trunk's queue. */
  readonly queuedMs: number;
  /** ms from the INVITE: earlyMedia, answered, promptEnd, firstDigit, lastDigit, ringback, connected. */
  readonly timings: DialResult['timings'];
  readonly attempts: number;
  readonly digits: DialResult['digits'];
  readonly steps: DialResult['steps'];
  readonly heard: readonly string[];
  readonly cancelled: string | null;
  readonly connected: ConnectedAction['type'];
  readonly tag: Readonly<Record<string, string | number | boolean>> | null;
}
