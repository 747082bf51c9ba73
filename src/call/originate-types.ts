/**
 * The shapes of placing one outbound call (CallManager.originate), in their own file so the
 * DialControl and the dialer can depend on the contract without importing the manager.
 */
import type { AppSpec, TrunkMedia } from './call-types.js';
import type { Call, CallEvent } from './call.js';

export interface OriginateSip {
  readonly prack?: 'supported' | 'required' | 'disabled';
  readonly sessionTimer?: { readonly enabled: boolean; readonly expires?: number };
}

export interface OriginateOptions {
  readonly trunk: string;
  /** Number (user part) or URI. */
  readonly to: string;
  readonly from?: string;
  readonly headers?: ReadonlyArray<[string, string]>;
  /** Media options for this call over the trunk's (a carrier profile's codec order, INFO type). */
  readonly media?: Partial<TrunkMedia>;
  /** Per-call SIP options over the stack's (a carrier profile's 100rel mode and session timer). */
  readonly sip?: OriginateSip;
  /** Steps to run once answered (none: the caller drives the call through `call`). */
  readonly app?: AppSpec;
  readonly onEvent?: (ev: CallEvent) => void;
}

export type OriginateErrorCode =
  'unknown_trunk' | 'trunk_limit' | 'draining' | 'overloaded' | 'no_media' | 'too_many_calls';

export type OriginateResult =
  { ok: true; call: Call } | { ok: false; code: OriginateErrorCode; message: string };

/** What places calls: the CallManager. */
export interface Originator {
  originate(o: OriginateOptions): Promise<OriginateResult>;
}
