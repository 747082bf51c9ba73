/** SIP over UDP (RFC 3261 §18): one dgram socket per address family. */
import { createSocket, type Socket } from 'node:dgram';
import {
  familyOf,
  type Endpoint,
  type SendCallback,
  type Transport,
  type TransportHandler,
} from './transport.js';

export interface UdpTransportOptions {
  host: string;
  /** 0 picks an ephemeral port. */
  port: number;
  /** Socket receive buffer in bytes (bursts of INVITEs at high call rates), default 4 MiB. */
  recvBufferBytes?: number;
  sendBufferBytes?: number;
}

export class UdpTransport implements Transport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  readonly family: 4 | 6;
  local: Endpoint;
  private socket: Socket | null = null;

  constructor(private readonly opts: UdpTransportOptions) {
    this.family = familyOf(opts.host);
    this.local = { address: opts.host, port: opts.port };
  }

  start(handler: TransportHandler): Promise<void> {
    const socket = createSocket({ type: this.family === 6 ? 'udp6' : 'udp4', ipv6Only: this.family === 6 });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.on('message', (data, rinfo) => {
        handler.onMessage(data, { address: rinfo.address, port: rinfo.port }, this, 0);
      });
      socket.bind(this.opts.port, this.opts.host, () => {
        socket.off('error', reject);
        socket.on('error', (err) => handler.onError?.(err, null));
        try {
          socket.setRecvBufferSize(this.opts.recvBufferBytes ?? 4 * 1024 * 1024);
          socket.setSendBufferSize(this.opts.sendBufferBytes ?? 4 * 1024 * 1024);
        } catch {
          // The kernel caps buffer sizes (net.core.rmem_max); the default size still works.
        }
        const a = socket.address();
        this.local = { address: a.address, port: a.port };
        resolve();
      });
    });
  }

  send(data: Buffer, remote: Endpoint, _connectionId?: number, cb?: SendCallback): void {
    const s = this.socket;
    if (!s) {
      cb?.(new Error('UDP transport is not started'));
      return;
    }
    if (cb) s.send(data, remote.port, remote.address, (err) => cb(err ?? null));
    else s.send(data, remote.port, remote.address);
  }

  isOpen(): boolean {
    return this.socket !== null;
  }

  connectionCount(): number {
    return 0;
  }

  close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}
