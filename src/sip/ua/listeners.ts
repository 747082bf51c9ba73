/** Opens the transports a SipStack listens on (UDP, TCP, TLS) from its options. */
import { StreamTransport } from '../transport/stream.js';
import type { Transport } from '../transport/transport.js';
import { UdpTransport } from '../transport/udp.js';
import type { SipStackOptions } from './options.js';

export function makeTransports(opts: SipStackOptions): Transport[] {
  const limits = opts.limits ?? {};
  const stream = {
    ...(limits.maxTcpConnections ? { maxConnections: limits.maxTcpConnections } : {}),
    ...(limits.tcpIdleSeconds ? { idleTimeoutMs: limits.tcpIdleSeconds * 1000 } : {}),
    ...(limits.maxMessageBytes ? { limits: { maxMessageBytes: limits.maxMessageBytes } } : {}),
  };
  return (opts.listen ?? [{ protocol: 'udp', host: '127.0.0.1', port: 5060 }]).map((l) => {
    if (l.protocol === 'udp') return new UdpTransport({ host: l.host, port: l.port });
    if (l.protocol === 'tcp') return new StreamTransport('TCP', { host: l.host, port: l.port, ...stream });
    if (!opts.tls) throw new Error('a TLS listener needs a TLS certificate and key');
    return new StreamTransport('TLS', { host: l.host, port: l.port, tls: opts.tls, ...stream });
  });
}
