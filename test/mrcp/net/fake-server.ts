/**
 * Misbehaving MRCP servers for the client's timeout and failover tests, built from our SIP and
 * SDP layers and raw sockets:
 * - `silent`: answers the INVITE properly, accepts the TCP connection, never answers a request;
 * - `in-progress`: answers every request 200 IN-PROGRESS and never completes it;
 * - `no-tcp`: answers the INVITE with a TCP port nobody listens on;
 * - `black-hole` (see blackHole()): a UDP socket that swallows the INVITE.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { getHeader, makeResponse, MrcpStreamParser, serializeMessage } from '../../../src/mrcp/index.js';
import { SdpNegotiator } from '../../../src/sdp/index.js';
import { SipStack } from '../../../src/sip/index.js';

export interface FakeServer {
  sipPort: number;
  byes: number;
  requests: number;
  connections: number;
  close(): Promise<void>;
}

export async function startFakeServer(mode: 'silent' | 'in-progress' | 'no-tcp'): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const state: FakeServer = {
    sipPort: 0,
    byes: 0,
    requests: 0,
    connections: 0,
    close: async () => undefined,
  };
  const tcp: Server = createServer((sock) => {
    state.connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    const parser = new MrcpStreamParser();
    sock.on('data', (b: Buffer) => {
      for (const item of parser.push(b).items) {
        if (!item.ok || item.message.kind !== 'request') continue;
        state.requests++;
        if (mode !== 'in-progress') continue;
        const ch = getHeader(item.message.headers, 'Channel-Identifier');
        const id = ch.present && ch.ok ? `${ch.value.sessionId}@${ch.value.resource}` : 'x@y';
        sock.write(serializeMessage(makeResponse(item.message.requestId, 200, 'IN-PROGRESS', id)));
      }
    });
  });
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
  const addr = tcp.address();
  const tcpPort = mode === 'no-tcp' ? 9 : typeof addr === 'object' && addr ? addr.port : 0;
  const sip = new SipStack({
    listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
    trunks: [{ name: 'clients', peers: [], transport: 'udp', acl: ['127.0.0.0/8'] }],
  });
  let n = 0;
  sip.delegate = {
    onInvite: (call) => {
      const sdp = new SdpNegotiator();
      const id = `fake${++n}`;
      const r = sdp.answerOffer(call.offer ?? Buffer.alloc(0), {
        audio: { address: '127.0.0.1', port: 9, codecs: ['PCMU', 'PCMA'] },
        mrcp: {
          address: '127.0.0.1',
          port: tcpPort,
          resources: ['speechsynth', 'speechrecog', 'recorder'],
          allocateChannel: () => ({ id }),
        },
      });
      if (!r.ok) {
        call.reject(488);
        return;
      }
      const session = call.accept({ body: Buffer.from(r.value.sdp ?? '') });
      if (session)
        session.delegate = { onTerminated: (reason) => void (reason === 'remote-bye' && state.byes++) };
    },
  };
  await sip.start();
  state.sipPort = sip.transport.transports[0]?.local.port ?? 0;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await sip.stop();
    await new Promise<void>((r) => tcp.close(() => r()));
  };
  return state;
}

/** A UDP socket that reads and never answers (a SIP server that is gone or hung). */
export async function blackHole(): Promise<{ port: number; received: number; close(): Promise<void> }> {
  const sock: UdpSocket = createSocket('udp4');
  const out = { port: 0, received: 0, close: () => new Promise<void>((r) => sock.close(() => r())) };
  sock.on('message', () => out.received++);
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  out.port = sock.address().port;
  return out;
}
