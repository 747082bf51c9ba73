/**
 * The client's MRCPv2 TCP connections (RFC 6787 §4.2): opened with a deadline, shared by the
 * channels of many sessions to the same server (`a=connection:existing`), framed by the stream
 * parser, and routed by Channel-Identifier. A connection that fails ends every channel on it;
 * one without channels lingers a moment for the next session, then closes.
 */
import { connect, type Socket } from 'node:net';
import { getHeader } from '../codec/header-values.js';
import type { MrcpMessage } from '../codec/message.js';
import { serializeMessage } from '../codec/serializer.js';
import { MrcpStreamParser } from '../codec/stream-parser.js';
import type { Clock, MrcpLogger, TimerHandle } from '../server/clock.js';
import { MrcpClientError } from './client-errors.js';
import type { ClientLimits } from './options.js';

/** What a connection delivers to: one client channel. */
export interface ChannelSink {
  readonly channelId: string;
  receive(msg: MrcpMessage): void;
  connectionLost(reason: string): void;
}

export interface ConnectionDeps {
  clock: Clock;
  logger: MrcpLogger;
  limits: ClientLimits;
  connectMs: number;
  onDrop(cause: string): void;
  onOpened(): void;
  onClosed(conn: ClientConnection): void;
}

export class ClientConnection {
  readonly key: string;
  private readonly sinks = new Map<string, ChannelSink>();
  private readonly parser: MrcpStreamParser;
  private linger: TimerHandle | undefined;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
    readonly port: number,
    private readonly deps: ConnectionDeps,
  ) {
    this.key = endpointKey(address, port);
    this.parser = new MrcpStreamParser({ maxMessageSize: deps.limits.maxMessageSize });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (b: Buffer) => this.data(b));
    socket.on('error', (err) =>
      deps.logger.debug(`mrcp client connection ${this.key} error: ${err.message}`),
    );
    socket.on('close', () => this.close('server closed the connection'));
    deps.onOpened();
    // Nobody may register on it (the session ended while connecting): it closes like an unused one.
    this.armLinger();
  }

  /** Connects within `deps.connectMs`; rejects with connect-timeout / connect-failed. */
  static open(address: string, port: number, deps: ConnectionDeps): Promise<ClientConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: address, port });
      const timer = deps.clock.setTimeout(() => {
        socket.destroy();
        reject(
          new MrcpClientError(
            'connect-timeout',
            `no TCP connection to ${address}:${port} in ${deps.connectMs} ms`,
          ),
        );
      }, deps.connectMs);
      socket.once('connect', () => {
        deps.clock.clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new ClientConnection(socket, address, port, deps));
      });
      socket.on('error', (err) => {
        deps.clock.clearTimeout(timer);
        socket.destroy();
        reject(
          new MrcpClientError(
            'connect-failed',
            `TCP connection to ${address}:${port} failed: ${err.message}`,
          ),
        );
      });
    });
  }

  get channelCount(): number {
    return this.sinks.size;
  }
  get isClosed(): boolean {
    return this.closed;
  }
  get hasRoom(): boolean {
    return !this.closed && this.sinks.size < this.deps.limits.maxChannelsPerConnection;
  }

  register(sink: ChannelSink): void {
    this.sinks.set(sink.channelId, sink);
    if (this.linger !== undefined) {
      this.deps.clock.clearTimeout(this.linger);
      this.linger = undefined;
    }
  }

  unregister(sink: ChannelSink): void {
    if (this.sinks.get(sink.channelId) !== sink) return;
    this.sinks.delete(sink.channelId);
    if (this.sinks.size > 0 || this.closed) return;
    if (this.deps.limits.connectionLingerMs <= 0) this.close('unused');
    else this.armLinger();
  }

  private armLinger(): void {
    if (this.linger !== undefined) return;
    this.linger = this.deps.clock.setTimeout(() => {
      this.linger = undefined;
      if (this.sinks.size === 0) this.close('unused');
    }, this.deps.limits.connectionLingerMs);
  }

  /**
   * Writes one message: `closed` when the connection is closed or the peer stopped reading;
   * `too-large` (nothing written, the connection kept) when it exceeds `maxMessageSize` — a server
   * with the same bound could only skip it unanswered, and the request would time out.
   */
  send(msg: MrcpMessage): 'sent' | 'closed' | 'too-large' {
    if (this.closed || this.socket.destroyed) return 'closed';
    const bytes = serializeMessage(msg);
    if (bytes.length > this.deps.limits.maxMessageSize) {
      this.deps.onDrop('message-too-large');
      return 'too-large';
    }
    if (this.socket.writableLength + bytes.length > this.deps.limits.maxWriteBuffer) {
      this.deps.onDrop('slow-server');
      this.close('server does not read (write buffer full)');
      return 'closed';
    }
    this.socket.write(bytes);
    return 'sent';
  }

  private data(b: Buffer): void {
    if (this.closed) return;
    const r = this.parser.push(b);
    for (const item of r.items) {
      if (!item.ok) {
        this.deps.onDrop(item.error.code);
        continue;
      }
      const msg = item.message;
      const ch = getHeader(msg.headers, 'Channel-Identifier');
      const sink =
        ch.present && ch.ok ? this.sinks.get(`${ch.value.sessionId}@${ch.value.resource}`) : undefined;
      if (!sink) {
        this.deps.onDrop(msg.kind === 'request' ? 'request-from-server' : 'unknown-channel');
        continue;
      }
      sink.receive(msg);
      if (this.closed) return;
    }
    if (r.state === 'error') this.close('unframeable stream from the server');
  }

  /** Closes the socket; every channel still on it is told. Idempotent. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.linger !== undefined) this.deps.clock.clearTimeout(this.linger);
    this.linger = undefined;
    this.parser.reset();
    this.socket.destroy();
    const sinks = [...this.sinks.values()];
    this.sinks.clear();
    this.deps.logger.debug(`mrcp client connection ${this.key} closed: ${reason}`);
    for (const s of sinks) s.connectionLost(reason);
    this.deps.onClosed(this);
  }
}

export function endpointKey(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** The open connections by server endpoint; shares them when the answer says `existing`. */
export class ConnectionPool {
  private readonly open = new Map<string, Set<ClientConnection>>();
  private readonly opening = new Map<string, Promise<ClientConnection>>();
  private size = 0;

  constructor(
    private readonly deps: Omit<ConnectionDeps, 'onClosed' | 'onOpened'> & { onCountChange(n: number): void },
  ) {}

  get count(): number {
    return this.size;
  }

  /** Whether a connection to this endpoint is open with room for another channel. */
  has(address: string, port: number): boolean {
    return this.pick(endpointKey(address, port)) !== undefined;
  }

  private pick(key: string): ClientConnection | undefined {
    for (const c of this.open.get(key) ?? []) if (c.hasRoom) return c;
    return undefined;
  }

  /** A connection for a new channel: an open one when `reuse`, else a new one. */
  async acquire(address: string, port: number, reuse: boolean): Promise<ClientConnection> {
    const key = endpointKey(address, port);
    if (reuse) {
      const c = this.pick(key);
      if (c) return c;
      const p = this.opening.get(key);
      if (p) {
        const c2 = await p;
        if (c2.hasRoom) return c2;
      }
    }
    const p = ClientConnection.open(address, port, {
      ...this.deps,
      onOpened: () => this.deps.onCountChange(++this.size),
      onClosed: (c) => {
        const set = this.open.get(c.key);
        if (set?.delete(c)) {
          if (set.size === 0) this.open.delete(c.key);
          this.deps.onCountChange(--this.size);
        }
      },
    });
    if (reuse) this.opening.set(key, p);
    try {
      const c = await p;
      let set = this.open.get(key);
      if (!set) this.open.set(key, (set = new Set()));
      set.add(c);
      return c;
    } finally {
      if (this.opening.get(key) === p) this.opening.delete(key);
    }
  }

  closeAll(reason: string): void {
    for (const set of [...this.open.values()]) for (const c of [...set]) c.close(reason);
  }
}
