/**
 * The WebSocket channel: jambonz's envelope over WsAppSession. `session:new` carries the call's
 * data and its `ack` the first verbs (none within the ack timeout: the runner falls back and hangs
 * up); hooks are `verb:hook` messages answered by an `ack`; `verb:status`, `call:status`, `dtmf`
 * and `error` are notifications. Commands and a lost socket reach the runner through callbacks.
 */
import type { AppChannel, ChannelResult, HookRef, Notification } from './app-channel.js';
import { signBody, SIGNATURE_HEADER } from './signature.js';
import { WsAppSession, type AppCommand, type WsAppResult } from './ws-app-client.js';

export interface WsChannelOptions {
  readonly url: string;
  readonly callSid: string;
  readonly secret?: string | undefined;
  readonly ackTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly maxMessageBytes: number;
  readonly maxBufferedBytes: number;
  onCommand(cmd: AppCommand): void;
  /** The application closed the socket or it broke (not after close()). */
  onClose(reason: string): void;
  onInvalid?(reason: string): void;
}

export class WsChannel implements AppChannel {
  readonly kind = 'websocket' as const;
  private session: WsAppSession | undefined;
  private closed = false;

  constructor(private readonly o: WsChannelOptions) {}

  async start(payload: Record<string, unknown>): Promise<ChannelResult> {
    const r = await WsAppSession.open(this.o.url, payload, {
      callSid: this.o.callSid,
      ackTimeoutMs: this.o.ackTimeoutMs,
      connectTimeoutMs: this.o.connectTimeoutMs,
      maxMessageBytes: this.o.maxMessageBytes,
      maxBufferedBytes: this.o.maxBufferedBytes,
      // The handshake is signed like a webhook with an empty body: the secret and a fresh time.
      ...(this.o.secret ? { headers: { [SIGNATURE_HEADER]: signBody(this.o.secret, '') } } : {}),
      onCommand: (cmd) => this.o.onCommand(cmd),
      onClose: (reason) => {
        if (!this.closed) this.o.onClose(reason);
      },
      onInvalid: (reason) => this.o.onInvalid?.(reason),
    });
    if (!r.ok) return { ok: false, code: r.code, message: r.message };
    if (this.closed) {
      r.value.session.close();
      return { ok: false, code: 'closed', message: 'channel closed' };
    }
    this.session = r.value.session;
    return { ok: true, verbs: r.value.verbs };
  }

  async hook(hook: HookRef, payload: Record<string, unknown>): Promise<ChannelResult> {
    if (!this.session) return { ok: false, code: 'closed', message: 'no application session' };
    return toResult(await this.session.hook(typeof hook === 'string' ? hook : hook.url, payload));
  }

  notify(type: Notification, data: Record<string, unknown>): void {
    this.session?.notify(type, data);
  }

  close(): void {
    this.closed = true;
    this.session?.close();
  }
}

function toResult(r: WsAppResult<unknown[]>): ChannelResult {
  return r.ok ? { ok: true, verbs: r.value } : { ok: false, code: r.code, message: r.message };
}
