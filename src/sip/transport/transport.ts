/**
 * The narrow transport port (RFC 3261 §18): a transport moves whole SIP messages (datagrams, or
 * messages framed from a stream) between a local socket and remote endpoints. UDP, TCP, TLS and
 * the in-memory test network implement it; nothing above knows which sockets are underneath.
 */

export type TransportProtocol = 'UDP' | 'TCP' | 'TLS';

export interface Endpoint {
  /** Numeric IP address (IPv6 without brackets). */
  address: string;
  port: number;
}

export interface TransportHandler {
  /**
   * One whole message. `connectionId` names the stream connection it came on (0 for datagrams):
   * responses to it go back on that connection (§18.2.2).
   */
  onMessage(data: Buffer, remote: Endpoint, transport: Transport, connectionId: number): void;
  /** A stream connection failed or sent something unframeable; logged and counted above. */
  onError?(err: Error, remote: Endpoint | null): void;
}

export type SendCallback = (err: Error | null) => void;

export interface Transport {
  readonly protocol: TransportProtocol;
  /** Stream transports are reliable: no retransmission timers (§17.1.1.2, §17.1.2.2). */
  readonly reliable: boolean;
  /** Bound address and port (the port is known once started). */
  readonly local: Endpoint;
  /** Address family of the socket. */
  readonly family: 4 | 6;
  /** Binds and starts delivering to the handler. */
  start(handler: TransportHandler): Promise<void>;
  /**
   * Sends one message. On a stream, `connectionId` picks an open connection; otherwise one to
   * `remote` is reused or opened.
   */
  send(data: Buffer, remote: Endpoint, connectionId?: number, cb?: SendCallback): void;
  /** Whether a stream connection is still open (always true for datagram transports). */
  isOpen(connectionId: number): boolean;
  close(): Promise<void>;
  /** Open stream connections (0 for datagrams). */
  connectionCount(): number;
}

export function endpointKey(e: Endpoint): string {
  return e.address + '|' + e.port;
}

export function familyOf(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}
