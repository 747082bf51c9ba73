/**
 * Sans-IO handling of one MRCPv2 TCP connection on the server (RFC 6787 §4.2: connections are
 * shared by the channels of many sessions). Bytes in → framed messages routed by
 * Channel-Identifier; a bad message is answered with the RFC's status when its request id is
 * known (504 too large, 502 version, 408 unparsable, 405 unknown channel, 406 no channel id), and
 * a stream that cannot be framed any more asks the owner to close the connection.
 */
import { makeResponse } from '../codec/builders.js';
import { getHeader } from '../codec/header-values.js';
import type { MrcpMessage, MrcpRequest } from '../codec/message.js';
import { serializeMessage } from '../codec/serializer.js';
import { MrcpStreamParser, type StreamParserOptions } from '../codec/stream-parser.js';
import type { MrcpChannel } from './channel.js';

export interface ConnectionOptions extends StreamParserOptions {
  /** Finds a channel by Channel-Identifier among all sessions this server holds. */
  lookup: (channelId: string) => MrcpChannel | undefined;
  /** Writes bytes to the socket. */
  write: (bytes: Buffer) => void;
  /** The stream can no longer be framed: close the socket. */
  close: (reason: string) => void;
  /** Input refused or dropped, by cause (parse error codes, not-a-request, no-channel-id, unknown-channel). */
  onDrop?: (cause: string) => void;
  /** A request about to be handed to its channel (the networked server times requests). */
  onRequest?: (req: MrcpRequest, channel: MrcpChannel) => void;
}

export interface ConnectionStats {
  messages: number;
  rejected: number;
  closedForGarbage: number;
}

export class MrcpServerConnection {
  readonly stats: ConnectionStats = { messages: 0, rejected: 0, closedForGarbage: 0 };
  private readonly parser: MrcpStreamParser;
  private closed = false;

  constructor(private readonly opts: ConnectionOptions) {
    this.parser = new MrcpStreamParser(opts);
  }

  /** Serializes and writes a message (what channels' `send` should call for this connection). */
  send(msg: MrcpMessage): void {
    if (!this.closed) this.opts.write(serializeMessage(msg));
  }

  /** Feeds bytes read from the socket. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    const r = this.parser.push(bytes);
    for (const item of r.items) {
      if (item.ok) {
        this.stats.messages++;
        this.route(item.message);
        continue;
      }
      this.stats.rejected++;
      const e = item.error;
      this.opts.onDrop?.(e.code);
      if (e.kind === 'request' && e.requestId !== undefined && !e.fatal) {
        this.send(
          makeResponse(e.requestId, e.status, 'COMPLETE', 'unknown@unknown', [
            { name: 'Completion-Reason', value: e.detail.slice(0, 120) },
          ]),
        );
      }
    }
    if (r.state === 'error') {
      this.stats.closedForGarbage++;
      this.end();
      const last = r.items[r.items.length - 1];
      this.opts.close(last && !last.ok ? `${last.error.code}: ${last.error.detail}` : 'unframeable stream');
    }
  }

  private route(msg: MrcpMessage): void {
    if (msg.kind !== 'request') {
      this.opts.onDrop?.('not-a-request');
      return;
    }
    const ch = getHeader(msg.headers, 'Channel-Identifier');
    if (!ch.present || !ch.ok) {
      this.opts.onDrop?.('no-channel-id');
      this.send(makeResponse(msg.requestId, 406, 'COMPLETE', 'unknown@unknown'));
      return;
    }
    const channelId = `${ch.value.sessionId}@${ch.value.resource}`;
    const channel = this.opts.lookup(channelId);
    if (!channel) {
      this.opts.onDrop?.('unknown-channel');
      this.send(makeResponse(msg.requestId, 405, 'COMPLETE', channelId));
      return;
    }
    this.opts.onRequest?.(msg, channel);
    channel.receive(msg);
  }

  /** Drops buffered bytes; no more output. */
  end(): void {
    this.closed = true;
    this.parser.reset();
  }
}
