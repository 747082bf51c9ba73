/**
 * Fetches verbs from an application's webhook: POST (or GET) of the call's data as JSON, signed,
 * with a timeout and a bounded reply; the reply must be a JSON array of verbs (or empty).
 * Failures are coded, never thrown, so the call can run its configured fallback.
 */
import { signBody, SIGNATURE_HEADER } from './signature.js';

export type WebhookErrorCode = 'timeout' | 'network' | 'http_status' | 'too_large' | 'bad_json' | 'not_verbs';

export type WebhookResult =
  | { ok: true; verbs: unknown[]; status: number; ms: number }
  | { ok: false; code: WebhookErrorCode; message: string; status?: number; ms: number };

export interface WebhookOptions {
  timeoutMs: number;
  maxReplyBytes: number;
  /** HMAC secret; requests are unsigned without one. */
  secret?: string | undefined;
  /** Basic-auth credentials some applications want. */
  basicAuth?: { username: string; password: string } | undefined;
}

export async function callWebhook(
  url: string,
  method: 'POST' | 'GET',
  payload: Record<string, unknown>,
  o: WebhookOptions,
): Promise<WebhookResult> {
  const t0 = performance.now();
  const ms = (): number => Math.round(performance.now() - t0);
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'user-agent': 'voicegate', accept: 'application/json' };
  if (o.secret) headers[SIGNATURE_HEADER] = signBody(o.secret, method === 'POST' ? body : '');
  if (o.basicAuth) {
    headers.authorization = `Basic ${Buffer.from(`${o.basicAuth.username}:${o.basicAuth.password}`).toString('base64')}`;
  }
  let target = url;
  if (method === 'POST') headers['content-type'] = 'application/json';
  else {
    const u = new URL(url);
    for (const [k, v] of Object.entries(payload)) {
      if (v !== undefined && typeof v !== 'object') u.searchParams.set(k, String(v));
    }
    target = u.toString();
  }
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), o.timeoutMs);
  try {
    const res = await fetch(target, {
      method,
      headers,
      body: method === 'POST' ? body : undefined,
      signal: ctl.signal,
    });
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel();
      return {
        ok: false,
        code: 'http_status',
        message: `webhook answered ${res.status}`,
        status: res.status,
        ms: ms(),
      };
    }
    const text = await readBounded(res, o.maxReplyBytes);
    if (text === undefined) {
      return {
        ok: false,
        code: 'too_large',
        message: `reply over ${o.maxReplyBytes} bytes`,
        status: res.status,
        ms: ms(),
      };
    }
    if (text.trim() === '') return { ok: true, verbs: [], status: res.status, ms: ms() };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return { ok: false, code: 'bad_json', message: (err as Error).message, status: res.status, ms: ms() };
    }
    if (!Array.isArray(parsed)) {
      return {
        ok: false,
        code: 'not_verbs',
        message: 'reply is not a JSON array of verbs',
        status: res.status,
        ms: ms(),
      };
    }
    return { ok: true, verbs: parsed, status: res.status, ms: ms() };
  } catch (err) {
    if (ctl.signal.aborted)
      return { ok: false, code: 'timeout', message: `no reply within ${o.timeoutMs} ms`, ms: ms() };
    return { ok: false, code: 'network', message: (err as Error).message, ms: ms() };
  } finally {
    clearTimeout(timer);
  }
}

async function readBounded(res: Response, max: number): Promise<string | undefined> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
