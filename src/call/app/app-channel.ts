/**
 * How the application runner talks to one application, whatever carries it: the first verbs,
 * an actionHook's reply, notifications. Failures are coded, never thrown, so the runner can fall
 * back. Implemented by the webhook, WebSocket and inline channels.
 */

export type ChannelErrorCode =
  | 'timeout'
  | 'network'
  | 'http_status'
  | 'too_large'
  | 'bad_json'
  | 'not_verbs'
  | 'connect'
  | 'closed'
  | 'bad_ack'
  | 'no_app';

export type ChannelResult =
  | { readonly ok: true; readonly verbs: unknown[] }
  | { readonly ok: false; readonly code: ChannelErrorCode; readonly message: string };

/** A hook as verbs name it: a URL or path, or `{url, method, username, password}`. */
export type HookRef =
  | string
  | {
      readonly url: string;
      readonly method?: 'POST' | 'GET';
      readonly username?: string;
      readonly password?: string;
    };

export type Notification = 'verb:status' | 'call:status' | 'dtmf' | 'error';

export interface AppChannel {
  readonly kind: 'webhook' | 'websocket' | 'inline';
  /** The application's first verbs for this call (`payload`: the call's data). */
  start(payload: Record<string, unknown>): Promise<ChannelResult>;
  /** An actionHook (or redirect) fired: the reply's verbs. */
  hook(hook: HookRef, payload: Record<string, unknown>): Promise<ChannelResult>;
  notify(type: Notification, data: Record<string, unknown>): void;
  close(): void;
}

export function hookUrl(hook: HookRef): string {
  return typeof hook === 'string' ? hook : hook.url;
}
