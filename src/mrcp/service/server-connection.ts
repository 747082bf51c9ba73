/**
 * One MRCPv2 TCP connection accepted by the server (RFC 6787 §4.2): the socket around the sans-IO
 * MrcpServerConnection. Connections are shared: channels of many sessions may use one
 * (`a=connection:existing`). A channel is bound to the first connection that carries a request
 * for it; a request naming a channel bound to another connection is answered 405, as for a
 * channel that does not exist, so one client cannot drive another session's channels.
 *
 * Bounded: channels per connection, bytes waiting to be written (a peer that does not read is
 * cut off), message size (504 beyond, by the parser). A connection without channels closes after
 * `idleTimeoutMs`; a connection that closes ends the sessions whose channels it carried.
 */
import type { Socket } from 'node:net';
import type { MrcpMessage, MrcpRequest } from '../codec/message.js';
import type { MrcpChannel } from '../server/channel.js';
import type { Clock, MrcpLogger, TimerHandle } from '../server/clock.js';
import { MrcpServerConnection } from '../server/connection.js';

/** A server channel's attachment to the connection that carries it. */
export interface ChannelLink {
  readonly channelId: string;
  connection: ServerTcpConnection | undefined;
  /** The connection carrying this channel closed (abruptly or for garbage). */
  connectionLost(reason: string): void;
}

export interface ServerConnectionLimits {
  /** Close a connection that has carried no channel for this long (default 30 s). */
  idleTimeoutMs: number;
  /** Channels bound to one connection (default 1024). */
  maxChannels: number;
  /** Octets queued for a peer that does not read before it is cut off (default 4 MiB). */
  maxWriteBuffer: number;
  /** Largest MRCP message accepted (default 1 MiB; 504 beyond). */
  maxMessageSize: number;
}

export const DEFAULT_CONNECTION_LIMITS: ServerConnectionLimits = {
  idleTimeoutMs: 30_000,
  maxChannels: 1024,
  maxWriteBuffer: 4 << 20,
  maxMessageSize: 1 << 20,
};

export interface ServerConnectionOptions {
  id: number;
  socket: Socket;
  clock: Clock;
  logger: MrcpLogger;
  limits: ServerConnectionLimits;
  /** The channel named by a Channel-Identifier, with its link. */
  resolve(channelId: string): { channel: MrcpChannel; link: ChannelLink } | undefined;
  onRequest(req: MrcpRequest, channel: MrcpChannel): void;
  onDrop(cause: string): void;
  onClosed(conn: ServerTcpConnection, reason: string): void;
}

export class ServerTcpConnection {
  readonly id: number;
  readonly remote: string;
  readonly links = new Set<ChannelLink>();
  private readonly core: MrcpServerConnection;
  private idle: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly opts: ServerConnectionOptions) {
    this.id = opts.id;
    const s = opts.socket;
    this.remote = `${s.remoteAddress ?? '?'}:${s.remotePort ?? 0}`;
    s.setNoDelay(true);
    s.setKeepAlive(true, 30_000);
    this.core = new MrcpServerConnection({
      maxMessageSize: opts.limits.maxMessageSize,
      lookup: (channelId) => this.lookup(channelId),
      write: (bytes) => this.write(bytes),
      close: (reason) => {
        this.opts.onDrop('garbage');
        this.close(`unframeable stream (${reason})`);
      },
      onDrop: (cause) => this.opts.onDrop(cause),
      onRequest: (req, channel) => this.opts.onRequest(req, channel),
    });
    s.on('data', (b: Buffer) => this.core.receive(b));
    s.on('error', (err) => this.opts.logger.debug(`mrcp connection ${this.id} error: ${err.message}`));
    s.on('close', () => this.close('peer closed'));
    this.armIdle();
  }

  private lookup(channelId: string): MrcpChannel | undefined {
    const found = this.opts.resolve(channelId);
    if (!found) return undefined;
    const { link, channel } = found;
    if (link.connection === this) return channel;
    if (link.connection !== undefined) {
      this.opts.onDrop('foreign-channel');
      this.opts.logger.warn(
        `<${channelId}> request on connection ${this.id} for a channel of connection ${link.connection.id}`,
      );
      return undefined;
    }
    if (this.links.size >= this.opts.limits.maxChannels) {
      this.opts.onDrop('channel-limit');
      return undefined;
    }
    this.bind(link);
    return channel;
  }

  private bind(link: ChannelLink): void {
    link.connection = this;
    this.links.add(link);
    if (this.idle !== undefined) {
      this.opts.clock.clearTimeout(this.idle);
      this.idle = undefined;
    }
    this.opts.logger.debug(`<${link.channelId}> bound to connection ${this.id} (${this.remote})`);
  }

  /** The channel ended (BYE, re-INVITE removing it): the connection no longer carries it. */
  unbind(link: ChannelLink): void {
    if (!this.links.delete(link)) return;
    link.connection = undefined;
    this.armIdle();
  }

  private armIdle(): void {
    if (this.closed || this.links.size > 0 || this.idle !== undefined) return;
    this.idle = this.opts.clock.setTimeout(() => {
      this.idle = undefined;
      if (this.links.size === 0) this.close('idle');
    }, this.opts.limits.idleTimeoutMs);
  }

  /** Sends one message to the peer. */
  send(msg: MrcpMessage): void {
    this.core.send(msg);
  }

  private write(bytes: Buffer): void {
    const s = this.opts.socket;
    if (this.closed || s.destroyed) return;
    if (s.writableLength + bytes.length > this.opts.limits.maxWriteBuffer) {
      this.opts.onDrop('slow-peer');
      this.close('peer does not read (write buffer full)');
      return;
    }
    s.write(bytes);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the socket and ends every session that used it. Idempotent. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idle !== undefined) this.opts.clock.clearTimeout(this.idle);
    this.idle = undefined;
    this.core.end();
    this.opts.socket.destroy();
    this.opts.logger.debug(`mrcp connection ${this.id} (${this.remote}) closed: ${reason}`);
    const links = [...this.links];
    this.links.clear();
    for (const l of links) {
      l.connection = undefined;
      l.connectionLost(reason);
    }
    this.opts.onClosed(this, reason);
  }
}
