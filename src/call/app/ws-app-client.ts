/**
 * A call's WebSocket application, in jambonz's envelope: we send `session:new` and wait for its
 * `ack` (with verbs) — no ack within `ackTimeoutMs` (5 s, as jambonz) and the call is hung up;
 * `verb:hook` also waits for an ack; `verb:status`, `call:status`, `dtmf` and `error` are
 * notifications. The application may send `command` messages (redirect, hangup, mute, unmute,
 * dtmf, tag) at any time. Everything is bounded: message size, pending acks, send backlog.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export type AppCommand =
  | { command: 'redirect'; verbs: unknown[] }
  | { command: 'hangup'; reason?: string }
  | { command: 'mute' }
  | { command: 'unmute' }
  | { command: 'dtmf'; digits: string }
  | { command: 'tag'; data: Record<string, unknown> };

export interface WsAppOptions {
  callSid: string;
  ackTimeoutMs: number;
  connectTimeoutMs: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  /** Extra handshake headers (the request signature). */
  headers?: Record<string, string> | undefined;
  onCommand(cmd: AppCommand): void;
  /** The application went away (not after our own close()). */
  onClose(reason: string): void;
  /** A message we could not use (counted; the call goes on). */
  onInvalid?(reason: string): void;
}

export type WsAppResult<T> =
  { ok: true; value: T } | { ok: false; code: 'connect' | 'timeout' | 'closed' | 'bad_ack'; message: string };

interface Pending {
  resolve(r: WsAppResult<unknown[]>): void;
  timer: NodeJS.Timeout;
}

const MAX_PENDING = 16;

export class WsAppSession {
  private readonly pending = new Map<string, Pending>();
  private closedByUs = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly o: WsAppOptions,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('close', (code, reason) => this.onSocketClose(`closed ${code} ${reason.toString()}`.trim()));
    ws.on('error', () => ws.terminate());
  }

  /** Connects and sends `session:new`; resolves with the ack's verbs. */
  static async open(
    url: string,
    payload: Record<string, unknown>,
    o: WsAppOptions,
  ): Promise<WsAppResult<{ session: WsAppSession; verbs: unknown[] }>> {
    const ws = new WebSocket(url, 'ws.jambonz.org', {
      handshakeTimeout: o.connectTimeoutMs,
      maxPayload: o.maxMessageBytes,
      perMessageDeflate: false,
      ...(o.headers ? { headers: o.headers } : {}),
    });
    const opened = await new Promise<string | undefined>((resolve) => {
      ws.once('open', () => resolve(undefined));
      ws.once('error', (err) => resolve(err.message));
      ws.once('close', () => resolve('closed during handshake'));
    });
    if (opened !== undefined) {
      ws.terminate();
      return { ok: false, code: 'connect', message: opened };
    }
    const session = new WsAppSession(ws, o);
    const r = await session.request('session:new', { data: payload });
    if (!r.ok) {
      session.close();
      return r;
    }
    return { ok: true, value: { session, verbs: r.value } };
  }

  /** `verb:hook`: an actionHook fired; resolves with the verbs of the ack (may be empty). */
  hook(hook: string, data: Record<string, unknown>): Promise<WsAppResult<unknown[]>> {
    return this.request('verb:hook', { hook, data });
  }

  /** Notifications that need no ack. */
  notify(type: 'verb:status' | 'call:status' | 'dtmf' | 'error', data: Record<string, unknown>): boolean {
    return this.send({ type, msgid: randomUUID(), call_sid: this.o.callSid, data });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.closedByUs = true;
    this.failPending('closed', 'session closed');
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'call ended');
    else this.ws.terminate();
  }

  private request(
    type: 'session:new' | 'verb:hook',
    fields: Record<string, unknown>,
  ): Promise<WsAppResult<unknown[]>> {
    if (this.pending.size >= MAX_PENDING) {
      return Promise.resolve({ ok: false, code: 'timeout', message: 'too many unanswered requests' });
    }
    const msgid = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(msgid);
        resolve({
          ok: false,
          code: 'timeout',
          message: `no ack for ${type} within ${this.o.ackTimeoutMs} ms`,
        });
      }, this.o.ackTimeoutMs);
      this.pending.set(msgid, { resolve, timer });
      if (!this.send({ type, msgid, call_sid: this.o.callSid, ...fields })) {
        clearTimeout(timer);
        this.pending.delete(msgid);
        resolve({ ok: false, code: 'closed', message: 'application socket is not open or too slow' });
      }
    });
  }

  private send(msg: Record<string, unknown>): boolean {
    if (this.ws.readyState !== WebSocket.OPEN || this.ws.bufferedAmount > this.o.maxBufferedBytes)
      return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.o.onInvalid?.('binary message');
    let msg: Record<string, unknown>;
    try {
      const parsed = JSON.parse(data.toString('utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      msg = parsed as Record<string, unknown>;
    } catch {
      return this.o.onInvalid?.('not a JSON object');
    }
    if (msg.type === 'ack') {
      const p = typeof msg.msgid === 'string' ? this.pending.get(msg.msgid) : undefined;
      if (!p) return this.o.onInvalid?.('ack for no pending message');
      this.pending.delete(msg.msgid as string);
      clearTimeout(p.timer);
      if (msg.data !== undefined && !Array.isArray(msg.data)) {
        return p.resolve({ ok: false, code: 'bad_ack', message: 'ack data is not an array of verbs' });
      }
      return p.resolve({ ok: true, value: (msg.data as unknown[] | undefined) ?? [] });
    }
    if (msg.type === 'command') {
      const cmd = toCommand(msg);
      return cmd ? this.o.onCommand(cmd) : this.o.onInvalid?.(`bad command ${String(msg.command)}`);
    }
    this.o.onInvalid?.(`unknown message type ${String(msg.type)}`);
  }

  private onSocketClose(reason: string): void {
    this.failPending('closed', reason);
    if (!this.closedByUs) this.o.onClose(reason);
  }

  private failPending(code: 'closed', message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, code, message });
      this.pending.delete(id);
    }
  }
}

function toCommand(msg: Record<string, unknown>): AppCommand | undefined {
  const data = msg.data;
  switch (msg.command) {
    case 'redirect':
      return Array.isArray(data) ? { command: 'redirect', verbs: data } : undefined;
    case 'hangup':
      return {
        command: 'hangup',
        ...(typeof (data as { reason?: unknown })?.reason === 'string'
          ? { reason: (data as { reason: string }).reason }
          : {}),
      };
    case 'mute':
    case 'unmute':
      return { command: msg.command };
    case 'dtmf': {
      const digits = (data as { digits?: unknown } | undefined)?.digits;
      return typeof digits === 'string' && /^[0-9*#A-Dw]{1,64}$/i.test(digits)
        ? { command: 'dtmf', digits }
        : undefined;
    }
    case 'tag':
      return typeof data === 'object' && data !== null && !Array.isArray(data)
        ? { command: 'tag', data: data as Record<string, unknown> }
        : undefined;
    default:
      return undefined;
  }
}
