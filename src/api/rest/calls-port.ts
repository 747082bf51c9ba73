/**
 * What the REST and events API need from the call layer. The daemon connects the call layer's
 * manager to this port, so the API depends on a narrow contract rather than on call internals.
 */

export interface CallSummary {
  id: string;
  direction: 'inbound' | 'outbound';
  state: string;
  from: string;
  to: string;
  trunk?: string;
  startedAt: string;
  answeredAt?: string;
  endedAt?: string;
}

/** A call's full record (the CDR fields so far, dialing outcome, tags...). */
export type CallDetail = CallSummary & Record<string, unknown>;

export type PortErrorCode =
  | 'bad_request'
  | 'invalid_number'
  | 'unknown_trunk'
  | 'unknown_plan'
  | 'invalid_verbs'
  | 'not_found'
  | 'conflict'
  | 'queue_full'
  | 'rate_limited'
  | 'draining'
  | 'unavailable';

export interface PortError {
  code: PortErrorCode;
  message: string;
  /** For queue_full / rate_limited: when to try again. */
  retryAfterSeconds?: number;
  /** Extra detail, e.g. the field or the number-parsing code. */
  detail?: Record<string, unknown>;
}

export type PortResult<T> = { ok: true; value: T } | { ok: false; error: PortError };

export type ApplicationSpec =
  { webhook: string; method?: 'POST' | 'GET' } | { websocket: string } | { verbs: unknown[] };

export interface OriginateRequest {
  /** A privacy number (`17012345678-1234`), a plain number, or a SIP URI. */
  to: string | { number: string; extension?: string | undefined };
  from?: string | undefined;
  trunk: string;
  plan?: string | undefined;
  platform?: string | undefined;
  ringTimeoutSeconds?: number | undefined;
  application?: ApplicationSpec | undefined;
  tag?: Record<string, string | number | boolean> | undefined;
}

export type CallCommand =
  | { action: 'redirect'; verbs?: unknown[] | undefined; webhook?: string | undefined }
  | { action: 'mute' }
  | { action: 'unmute' }
  | { action: 'hangup'; reason?: string | undefined };

export interface CallFilter {
  state?: string | undefined;
  direction?: 'inbound' | 'outbound' | undefined;
  limit: number;
}

/** One event of a call's life or of a verb, as streamed on /v1/events. */
export interface CallEvent {
  type: string;
  callId: string;
  time: string;
  data?: Record<string, unknown>;
}

export interface CallsPort {
  originate(req: OriginateRequest): Promise<PortResult<CallSummary>>;
  list(filter: CallFilter): CallSummary[];
  get(id: string): CallDetail | undefined;
  command(id: string, cmd: CallCommand): Promise<PortResult<CallSummary>>;
  /** Subscribes to every call event; returns the unsubscribe function. */
  subscribe(listener: (ev: CallEvent) => void): () => void;
}

/** HTTP status for each port error. */
export const STATUS_OF: Record<PortErrorCode, number> = {
  bad_request: 400,
  invalid_number: 400,
  unknown_trunk: 400,
  unknown_plan: 400,
  invalid_verbs: 400,
  not_found: 404,
  conflict: 409,
  queue_full: 429,
  rate_limited: 429,
  draining: 503,
  unavailable: 503,
};
