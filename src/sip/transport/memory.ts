/**
 * An in-memory network for tests: transports attached to it exchange whole messages without
 * sockets. Delivery goes through a scheduler (a fake clock's zero-delay timer in timer tests),
 * and a `drop` hook loses chosen packets. `inject` delivers a raw packet from any address.
 */
import {
  endpointKey,
  familyOf,
  type Endpoint,
  type SendCallback,
  type Transport,
  type TransportHandler,
} from './transport.js';

export interface MemoryPacket {
  data: Buffer;
  from: Endpoint;
  to: Endpoint;
  protocol: 'UDP' | 'TCP' | 'TLS';
}

export interface MemoryNetworkOptions {
  /** Runs a delivery; default queueMicrotask. */
  schedule?: (fn: () => void) => void;
  /** Return true to lose this packet. */
  drop?: (p: MemoryPacket) => boolean;
  /** Return an error to fail this send (a transport error, RFC 3261 §18.4). */
  sendError?: (p: MemoryPacket) => Error | null;
  /** Keep at most this many packets in `log` (default 10,000). */
  maxLog?: number;
}

export class MemoryNetwork {
  readonly log: MemoryPacket[] = [];
  private readonly nodes = new Map<string, MemoryTransport>();
  private nextPort = 40000;

  constructor(public opts: MemoryNetworkOptions = {}) {}

  transport(address: string, port = 0, protocol: 'UDP' | 'TCP' | 'TLS' = 'UDP'): MemoryTransport {
    const p = port || this.nextPort++;
    const t = new MemoryTransport(this, protocol, { address, port: p });
    this.nodes.set(protocol + endpointKey(t.local), t);
    return t;
  }

  /** Delivers `data` to the transport at `to` as if sent from `from`. */
  inject(data: Buffer, from: Endpoint, to: Endpoint, protocol: 'UDP' | 'TCP' | 'TLS' = 'UDP'): void {
    this.route({ data, from, to, protocol });
  }

  /** @internal */
  route(p: MemoryPacket): void {
    const max = this.opts.maxLog ?? 10000;
    if (this.log.length >= max) this.log.splice(0, this.log.length - max + 1);
    this.log.push(p);
    if (this.opts.drop?.(p)) return;
    const dest = this.nodes.get(p.protocol + endpointKey(p.to));
    if (!dest) return;
    const run = (): void => dest.deliver(p.data, p.from);
    (this.opts.schedule ?? queueMicrotask)(run);
  }

  detach(t: MemoryTransport): void {
    this.nodes.delete(t.protocol + endpointKey(t.local));
  }
}

export class MemoryTransport implements Transport {
  readonly reliable: boolean;
  readonly family: 4 | 6;
  private handler: TransportHandler | null = null;

  constructor(
    private readonly net: MemoryNetwork,
    readonly protocol: 'UDP' | 'TCP' | 'TLS',
    readonly local: Endpoint,
  ) {
    this.reliable = protocol !== 'UDP';
    this.family = familyOf(local.address);
  }

  start(handler: TransportHandler): Promise<void> {
    this.handler = handler;
    return Promise.resolve();
  }

  /** @internal */
  deliver(data: Buffer, from: Endpoint): void {
    this.handler?.onMessage(data, from, this, this.reliable ? 1 : 0);
  }

  send(data: Buffer, remote: Endpoint, _connectionId?: number, cb?: SendCallback): void {
    const p: MemoryPacket = { data, from: this.local, to: remote, protocol: this.protocol };
    const err = this.net.opts.sendError?.(p) ?? null;
    if (!err) this.net.route(p);
    cb?.(err);
  }

  isOpen(): boolean {
    return this.handler !== null;
  }

  connectionCount(): number {
    return 0;
  }

  close(): Promise<void> {
    this.handler = null;
    this.net.detach(this);
    return Promise.resolve();
  }
}
