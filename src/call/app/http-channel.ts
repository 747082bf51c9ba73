/**
 * The webhook channel (and the inline one): the first verbs come from a POST (or GET) of the
 * call's data to the application URL — or from the configured list — and each actionHook is a
 * request to the hook, resolved against the application URL when it is a path. Requests are
 * signed, time-bounded and size-bounded (callWebhook). `call:status` goes to the optional
 * status hook without waiting for it, at most `maxInflightNotifications` at once (others dropped
 * and counted); webhook applications get no `verb:status`.
 */
import type { AppChannel, ChannelResult, HookRef, Notification } from './app-channel.js';
import { callWebhook, type WebhookResult } from './webhook-client.js';

export interface HttpChannelOptions {
  /** The application URL; none for an inline verb list (its hooks must then be absolute URLs). */
  readonly url?: string | undefined;
  readonly method?: 'POST' | 'GET' | undefined;
  /** Inline applications: the first verbs. */
  readonly verbs?: readonly unknown[] | undefined;
  readonly secret?: string | undefined;
  readonly statusHook?: string | undefined;
  readonly timeoutMs: number;
  readonly maxReplyBytes: number;
  readonly maxInflightNotifications?: number;
}

export class HttpChannel implements AppChannel {
  readonly kind: 'webhook' | 'inline';
  private inflight = 0;
  private closed = false;
  droppedNotifications = 0;

  constructor(private readonly o: HttpChannelOptions) {
    this.kind = o.url !== undefined ? 'webhook' : 'inline';
  }

  async start(payload: Record<string, unknown>): Promise<ChannelResult> {
    if (this.o.url === undefined) return { ok: true, verbs: [...(this.o.verbs ?? [])] };
    return toResult(await this.request(this.o.url, this.o.method ?? 'POST', payload, undefined));
  }

  async hook(hook: HookRef, payload: Record<string, unknown>): Promise<ChannelResult> {
    const raw = typeof hook === 'string' ? hook : hook.url;
    const url = this.resolve(raw);
    if (!url)
      return { ok: false, code: 'no_app', message: `hook ${raw.slice(0, 200)} is not an http(s) URL here` };
    const method = typeof hook === 'string' ? 'POST' : (hook.method ?? 'POST');
    const auth =
      typeof hook !== 'string' && hook.username !== undefined
        ? { username: hook.username, password: hook.password ?? '' }
        : undefined;
    return toResult(await this.request(url, method, payload, auth));
  }

  notify(type: Notification, data: Record<string, unknown>): void {
    if (type !== 'call:status' || !this.o.statusHook || this.closed) return;
    const url = this.resolve(this.o.statusHook);
    if (!url) return;
    const max = this.o.maxInflightNotifications ?? 4;
    if (this.inflight >= max) {
      this.droppedNotifications++;
      return;
    }
    this.inflight++;
    void this.request(url, 'POST', data, undefined).finally(() => this.inflight--);
  }

  close(): void {
    this.closed = true;
  }

  private resolve(hook: string): string | undefined {
    try {
      const u = this.o.url !== undefined ? new URL(hook, this.o.url) : new URL(hook);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
    } catch {
      return undefined;
    }
  }

  private request(
    url: string,
    method: 'POST' | 'GET',
    payload: Record<string, unknown>,
    basicAuth: { username: string; password: string } | undefined,
  ): Promise<WebhookResult> {
    return callWebhook(url, method, payload, {
      timeoutMs: this.o.timeoutMs,
      maxReplyBytes: this.o.maxReplyBytes,
      secret: this.o.secret,
      basicAuth,
    });
  }
}

function toResult(r: WebhookResult): ChannelResult {
  return r.ok ? { ok: true, verbs: r.verbs } : { ok: false, code: r.code, message: r.message };
}
