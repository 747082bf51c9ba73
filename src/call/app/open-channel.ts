/** The channel an application source needs: WebSocket for `websocket`, HTTP for a webhook or a list. */
import type { AppChannel } from './app-channel.js';
import type { AppRunnerOptions } from './app-runner-types.js';
import { HttpChannel } from './http-channel.js';
import type { AppCommand } from './ws-app-client.js';
import { WsChannel } from './ws-channel.js';

export interface ChannelEvents {
  onCommand(cmd: AppCommand): void;
  onClose(reason: string): void;
  onInvalid(reason: string): void;
}

export function openChannel(o: AppRunnerOptions, ev: ChannelEvents): AppChannel {
  if (o.channel) return o.channel;
  const maxReply = o.maxReplyBytes ?? 256 * 1024;
  const s = o.source;
  return 'websocket' in s
    ? new WsChannel({
        url: s.websocket,
        callSid: o.call.call_sid,
        secret: o.secret,
        ackTimeoutMs: o.ackTimeoutMs ?? 5000,
        connectTimeoutMs: o.connectTimeoutMs ?? 5000,
        maxMessageBytes: maxReply,
        maxBufferedBytes: o.maxBufferedBytes ?? 1024 * 1024,
        onCommand: (cmd) => ev.onCommand(cmd),
        onClose: (reason) => ev.onClose(reason),
        onInvalid: (reason) => ev.onInvalid(reason),
      })
    : new HttpChannel({
        ...('webhook' in s ? { url: s.webhook, method: s.method } : { verbs: s.verbs }),
        secret: o.secret,
        statusHook: o.statusHook,
        timeoutMs: o.webhookTimeoutMs ?? 5000,
        maxReplyBytes: maxReply,
      });
}
