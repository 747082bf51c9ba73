/**
 * The application runner's shapes: where an application is (webhook, WebSocket, inline list),
 * the call data it gets, the fallback, the runner's options, events and result.
 */
import type { Q850Cause } from '../q850.js';
import type { AppChannel } from './app-channel.js';
import type { VerbHost } from '../verbs/verb-host.js';
import type { VerbIssue } from '../verbs/verb-list.js';

export type AppSource =
  | { readonly webhook: string; readonly method?: 'POST' | 'GET' | undefined }
  | { readonly websocket: string }
  | { readonly verbs: readonly unknown[] };

/** The call as applications see it (jambonz's field names). */
export interface AppCallInfo {
  readonly call_sid: string;
  readonly direction: 'inbound' | 'outbound';
  readonly from: string;
  readonly to: string;
  readonly trunk?: string | null | undefined;
  /** The SIP Call-ID. */
  readonly sip_call_id?: string | undefined;
}

export interface FallbackOptions {
  /** Prompt file played before the hang-up (none: hang up at once). */
  readonly prompt?: string | undefined;
  /** Longest the prompt may play, ms (default 15,000). */
  readonly maxPromptMs?: number | undefined;
  /** Q.850 cause of the hang-up (default 41, temporary failure). */
  readonly cause?: Q850Cause | undefined;
}

export interface AppRunnerOptions {
  readonly source: AppSource;
  readonly host: VerbHost;
  readonly call: AppCallInfo;
  /** HMAC secret of the request signatures. */
  readonly secret?: string | undefined;
  /** Webhook applications: where `call:status` changes are posted (relative to the URL). */
  readonly statusHook?: string | undefined;
  /** Webhook reply time (default 5,000 ms). */
  readonly webhookTimeoutMs?: number | undefined;
  /** WebSocket `ack` time (default 5,000 ms, as jambonz). */
  readonly ackTimeoutMs?: number | undefined;
  readonly connectTimeoutMs?: number | undefined;
  /** Largest webhook reply or WebSocket message (default 256 KiB). */
  readonly maxReplyBytes?: number | undefined;
  /** WebSocket send backlog beyond which notifications are dropped (default 1 MiB). */
  readonly maxBufferedBytes?: number | undefined;
  readonly maxVerbs?: number | undefined;
  /** Most hook requests in one call (default 500): a redirect loop ends in the fallback. */
  readonly maxHooks?: number | undefined;
  readonly fallback?: FallbackOptions | undefined;
  /** verb:status, call:status, app errors and fallbacks (the events API). */
  readonly onEvent?: ((ev: AppEvent) => void) | undefined;
  /** A channel to use instead of the one `source` names (other transports; tests in fake time). */
  readonly channel?: AppChannel | undefined;
}

export interface AppEvent {
  readonly type: 'verb:status' | 'call:status' | 'app:error' | 'app:fallback' | 'app:command';
  readonly callSid: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type AppFailure =
  'app_unreachable' | 'invalid_verbs' | 'app_disconnected' | 'hook_failed' | 'too_many_hooks';

export interface AppRunEnd {
  /** `done`: verbs ran out or hung up; `fallback`: the fallback ran; `ended`: the call ended first. */
  readonly how: 'done' | 'fallback' | 'ended' | 'stopped';
  readonly failure?: AppFailure;
  readonly detail?: string;
  readonly verbs: number;
  readonly hooks: number;
}

export type RedirectResult = { ok: true } | { ok: false; message: string; issues?: VerbIssue[] };
