/**
 * SIP over TCP and TLS (RFC 3261 §18, RFC 5923-style reuse): a listener plus outgoing
 * connections, framed by StreamFramer. Connections are reused by remote address, closed after
 * an idle time, and capped in number; writes to a connection still opening are queued (bounded).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import * as tls from 'node:tls';
import { StreamFramer, type FramerLimits } from './stream-framer.js';
import {
  endpointKey,
  familyOf,
  type Endpoint,
  type SendCallback,
  type Transport,
  type TransportHandler,
} from './transport.js';

export interface StreamTransportOptions {
  host: string;
  /** 0 picks an ephemeral port. */
  port: number;
  /** Close a connection after this long without traffic (default 120 s). */
  idleTimeoutMs?: number;
  /** Most open connections, in and out (default 4096). */
  maxConnections?: number;
  /** Most bytes queued on a connection still connecting (default 256 KiB). */
  maxQueuedBytes?: number;
  connectTimeoutMs?: number;
  limits?: Partial<FramerLimits>;
  /** TLS only: PEM certificate chain and key for the listener, CA and verification for clients. */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer; rejectUnauthorized?: boolean };
}

interface Conn {
  id: number;
  socket: Socket;
  remote: Endpoint;
  framer: StreamFramer;
  connected: boolean;
  queue: Array<{ data: Buffer; cb: SendCallback | undefined }>;
  queued: number;
}

export class StreamTransport implements Transport {
  readonly reliable = true;
  readonly family: 4 | 6;
  local: Endpoint;
  private server: Server | null = null;
  private handler: TransportHandler | null = null;
  private readonly conns = new Map<number, Conn>();
  private readonly byRemote = new Map<string, number>();
  private nextId = 1;
  private readonly limits: FramerLimits;

  constructor(
    readonly protocol: 'TCP' | 'TLS',
    private readonly opts: StreamTransportOptions,
  ) {
    if (protocol === 'TLS' && !opts.tls) throw new Error('TLS transport needs a certificate and key');
    this.family = familyOf(opts.host);
    this.local = { address: opts.host, port: opts.port };
    this.limits = { maxMessageBytes: 65535, maxHeaderBytes: 16384, ...opts.limits };
  }

  start(handler: TransportHandler): Promise<void> {
    this.handler = handler;
    const onSocket = (socket: Socket): void => {
      if (this.conns.size >= (this.opts.maxConnections ?? 4096)) {
        socket.destroy();
        return;
      }
      this.adopt(socket, { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 }, true);
    };
    const server =
      this.protocol === 'TLS'
        ? tls.createServer({ cert: this.opts.tls!.cert, key: this.opts.tls!.key }, onSocket)
        : createServer(onSocket);
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        server.on('error', (err) => handler.onError?.(err, null));
        const a = server.address();
        if (a && typeof a === 'object') this.local = { address: a.address, port: a.port };
        resolve();
      });
    });
  }

  private adopt(socket: Socket, remote: Endpoint, connected: boolean): Conn {
    const id = this.nextId++;
    const conn: Conn = {
      id,
      socket,
      remote,
      framer: new StreamFramer(this.limits),
      connected,
      queue: [],
      queued: 0,
    };
    this.conns.set(id, conn);
    this.byRemote.set(endpointKey(remote), id);
    socket.setNoDelay(true);
    socket.setTimeout(this.opts.idleTimeoutMs ?? 120_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
    socket.on('error', (err) => this.handler?.onError?.(err, conn.remote));
    socket.on('close', () => this.forget(conn));
    return conn;
  }

  private onData(conn: Conn, chunk: Buffer): void {
    for (const f of conn.framer.push(chunk)) {
      if (f.kind === 'message') this.handler?.onMessage(f.data, conn.remote, this, conn.id);
      else if (f.kind === 'ping') conn.socket.write('\r\n');
      else {
        this.handler?.onError?.(new Error(`unframeable stream: ${f.reason}`), conn.remote);
        conn.socket.destroy();
      }
    }
  }

  private forget(conn: Conn): void {
    this.conns.delete(conn.id);
    const key = endpointKey(conn.remote);
    if (this.byRemote.get(key) === conn.id) this.byRemote.delete(key);
    for (const q of conn.queue) q.cb?.(new Error('connection closed'));
    conn.queue = [];
  }

  send(data: Buffer, remote: Endpoint, connectionId?: number, cb?: SendCallback): void {
    let conn = connectionId ? this.conns.get(connectionId) : undefined;
    if (!conn) {
      const id = this.byRemote.get(endpointKey(remote));
      conn = id !== undefined ? this.conns.get(id) : undefined;
    }
    if (!conn) {
      if (!this.server && !this.handler) {
        cb?.(new Error(`${this.protocol} transport is not started`));
        return;
      }
      if (this.conns.size >= (this.opts.maxConnections ?? 4096)) {
        cb?.(new Error('too many connections'));
        return;
      }
      conn = this.open(remote);
    }
    if (!conn.connected) {
      if (conn.queued + data.length > (this.opts.maxQueuedBytes ?? 256 * 1024)) {
        cb?.(new Error('connection queue full'));
        return;
      }
      conn.queue.push({ data, cb });
      conn.queued += data.length;
      return;
    }
    conn.socket.write(data, cb ? (err) => cb(err ?? null) : undefined);
  }

  private open(remote: Endpoint): Conn {
    const timeout = this.opts.connectTimeoutMs ?? 10_000;
    const socket =
      this.protocol === 'TLS'
        ? tls.connect({
            host: remote.address,
            port: remote.port,
            ca: this.opts.tls?.ca,
            rejectUnauthorized: this.opts.tls?.rejectUnauthorized ?? true,
          })
        : connect({ host: remote.address, port: remote.port });
    const conn = this.adopt(socket, remote, false);
    const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), timeout);
    socket.once(this.protocol === 'TLS' ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      conn.connected = true;
      for (const q of conn.queue) socket.write(q.data, q.cb ? (err) => q.cb!(err ?? null) : undefined);
      conn.queue = [];
      conn.queued = 0;
    });
    socket.once('close', () => clearTimeout(timer));
    return conn;
  }

  isOpen(connectionId: number): boolean {
    return this.conns.has(connectionId);
  }

  connectionCount(): number {
    return this.conns.size;
  }

  async close(): Promise<void> {
    for (const c of this.conns.values()) c.socket.destroy();
    this.conns.clear();
    this.byRemote.clear();
    const s = this.server;
    this.server = null;
    this.handler = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
