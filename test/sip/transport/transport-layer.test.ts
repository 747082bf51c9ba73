import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import {
  createCounters,
  MemoryNetwork,
  nullLogger,
  StreamTransport,
  TransportLayer,
  UdpTransport,
  type IncomingRequest,
  type IncomingResponse,
  type ScreenVerdict,
  type Transport,
  type TransportUser,
} from '../../../src/sip/index.js';
import { FIXTURES } from '../fixtures.js';
import { msg, options, parse, until } from '../helpers.js';

class Recorder implements TransportUser {
  requests: IncomingRequest[] = [];
  responses: IncomingResponse[] = [];
  verdict: ScreenVerdict = 'accept';
  screen(): ScreenVerdict {
    return this.verdict;
  }
  onRequest(r: IncomingRequest): void {
    this.requests.push(r);
  }
  onResponse(r: IncomingResponse): void {
    this.responses.push(r);
  }
}

function layer(transports: Transport[], user = new Recorder()) {
  const counters = createCounters();
  return { tl: new TransportLayer(transports, user, counters, nullLogger), user, counters };
}

describe('transport layer (RFC 3261 §18, RFC 3581)', () => {
  it('receives over UDP on IPv4 and IPv6 and answers to the source with rport', async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const { tl, user } = layer([new UdpTransport({ host, port: 0 })]);
      await tl.start();
      const port = tl.transports[0]!.local.port;
      const peer = createSocket(host === '::1' ? 'udp6' : 'udp4');
      await new Promise<void>((r) => peer.bind(0, host, r));
      const got: Buffer[] = [];
      peer.on('message', (d) => got.push(d));
      const bracket = host === '::1' ? '[::1]' : host;
      peer.send(options(bracket, 5999, ';rport'), port, host);
      await until(() => user.requests.length === 1);
      const req = user.requests[0]!;
      // rport filled with the source port, received added (RFC 3581 §4).
      const top = req.msg.headers.get('via')!;
      assert.match(top, new RegExp(`;rport=${peer.address().port}`));
      assert.match(top, new RegExp(`;received=${host.replace(/\./g, '\\.')}`));
      const target = tl.responseTarget(req);
      assert.deepEqual(target.remote, { address: host, port: peer.address().port });
      tl.sendResponse(Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n'), target);
      await until(() => got.length === 1);
      peer.close();
      await tl.close();
    }
  });

  it('routes a UDP response to received and the Via port without rport (§18.2.2)', async () => {
    const net = new MemoryNetwork();
    const t = net.transport('10.0.0.1', 5060);
    const { tl, user } = layer([t]);
    await tl.start();
    net.inject(options('gw.example.com', 5070), { address: '10.0.0.9', port: 33333 }, t.local);
    await until(() => user.requests.length === 1);
    const req = user.requests[0]!;
    assert.match(req.msg.headers.get('via')!, /;received=10\.0\.0\.9$/);
    assert.deepEqual(tl.responseTarget(req).remote, { address: '10.0.0.9', port: 5070 });
    // Same host as the source and no rport: the Via is left untouched.
    net.inject(options('10.0.0.9', 5070, '', 'c2@test'), { address: '10.0.0.9', port: 5070 }, t.local);
    await until(() => user.requests.length === 2);
    assert.equal(user.requests[1]!.msg.headers.get('via'), 'SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bK-c2test');
    await tl.close();
  });

  it('drops responses whose top Via is not ours (§18.1.2) and counts them', async () => {
    const net = new MemoryNetwork();
    const t = net.transport('10.0.0.1', 5060);
    const { tl, user, counters } = layer([t]);
    await tl.start();
    const res = (via: string) =>
      msg([
        'SIP/2.0 200 OK',
        `Via: ${via}`,
        'To: <sip:a@b>;tag=1',
        'From: <sip:c@d>;tag=2',
        'Call-ID: x',
        'CSeq: 1 OPTIONS',
      ]);
    net.inject(
      res('SIP/2.0/UDP 255.255.255.255;branch=z9hG4bKx'),
      { address: '10.0.0.9', port: 5060 },
      t.local,
    );
    net.inject(
      res('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKy'),
      { address: '10.0.0.9', port: 5060 },
      t.local,
    );
    await until(() => user.responses.length === 1);
    assert.equal(counters.strayResponses, 1);
    await tl.close();
  });

  it('answers an unparseable request 400 with a Warning, and counts the cause', async () => {
    const net = new MemoryNetwork();
    const t = net.transport('10.0.0.1', 5060);
    const peer = net.transport('10.0.0.9', 5060);
    const replies: Buffer[] = [];
    await peer.start({ onMessage: (d) => replies.push(d) });
    const { tl, counters } = layer([t]);
    await tl.start();
    const bad = options('10.0.0.9', 5060).toString().replace('Max-Forwards: 70', 'Max-Forwards: 300');
    peer.send(Buffer.from(bad), t.local);
    await until(() => replies.length === 1);
    const r = parse(replies[0]!);
    assert.ok(r.kind === 'response' && r.status === 400);
    assert.match(r.headers.get('warning')!, /^399 voicegate "Max-Forwards/);
    assert.match(r.headers.get('to')!, /;tag=/);
    assert.equal(counters.parseErrors.bad_header_value, 1);
    await tl.close();
  });

  it('drops before parsing when the screen says so', async () => {
    const net = new MemoryNetwork();
    const t = net.transport('10.0.0.1', 5060);
    const { tl, user, counters } = layer([t]);
    user.verdict = 'drop';
    await tl.start();
    net.inject(options('10.0.0.9', 5060), { address: '10.0.0.9', port: 5060 }, t.local);
    await until(() => counters.aclDropped === 1);
    assert.equal(user.requests.length, 0);
    await tl.close();
  });

  it('sends a UDP request over the MTU by TCP when the target allows it (§18.1.1)', async () => {
    const net = new MemoryNetwork();
    const { tl } = layer([net.transport('10.0.0.1', 5060, 'UDP'), net.transport('10.0.0.1', 5060, 'TCP')]);
    await tl.start();
    assert.equal(tl.chooseProtocol('UDP', 1000, true, '10.0.0.9'), 'UDP');
    assert.equal(tl.chooseProtocol('UDP', 1400, true, '10.0.0.9'), 'TCP');
    assert.equal(tl.chooseProtocol('UDP', 1400, false, '10.0.0.9'), 'UDP');
    await tl.close();
  });

  it('frames TCP messages split across reads and several in one read; answers CRLF pings', async () => {
    const { tl, user } = layer([new StreamTransport('TCP', { host: '127.0.0.1', port: 0 })]);
    await tl.start();
    const port = tl.transports[0]!.local.port;
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const received: Buffer[] = [];
    sock.on('data', (d) => received.push(d));
    const a = options('127.0.0.1', 5060, '', 'tcp-a');
    const b = options('127.0.0.1', 5060, '', 'tcp-b');
    const c = options('127.0.0.1', 5060, '', 'tcp-c');
    sock.write(a.subarray(0, 17));
    await new Promise((r) => setTimeout(r, 20));
    sock.write(Buffer.concat([a.subarray(17), Buffer.from('\r\n\r\n'), b, c.subarray(0, 50)]));
    await new Promise((r) => setTimeout(r, 20));
    sock.write(c.subarray(50));
    await until(() => user.requests.length === 3);
    assert.deepEqual(
      user.requests.map((r) => r.core.callId),
      ['tcp-a', 'tcp-b', 'tcp-c'],
    );
    await until(() => Buffer.concat(received).toString() === '\r\n');
    // The response goes back on the same connection.
    const target = tl.responseTarget(user.requests[0]!);
    assert.equal(target.connectionId, user.requests[0]!.source.connectionId);
    tl.sendResponse(Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n'), target);
    await until(() => Buffer.concat(received).toString().includes('SIP/2.0 200 OK'));
    sock.destroy();
    await tl.close();
  });

  it('closes a TCP connection that sends no Content-Length or an over-large message', async () => {
    const t = new StreamTransport('TCP', { host: '127.0.0.1', port: 0, limits: { maxMessageBytes: 2000 } });
    const { tl, user, counters } = layer([t]);
    await tl.start();
    for (const bad of [
      'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n',
      'OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 99999\r\n\r\n',
      'OPTIONS sip:a@b SIP/2.0\r\nX: ' + 'a'.repeat(20000),
    ]) {
      const sock = connect(t.local.port, '127.0.0.1');
      const closed = new Promise<void>((r) => sock.once('close', () => r()));
      sock.on('error', () => {});
      sock.write(bad);
      await closed;
    }
    assert.equal(user.requests.length, 0);
    assert.ok(counters.transportErrors >= 3);
    await until(() => t.connectionCount() === 0);
    await tl.close();
  });

  it('reuses an outgoing TCP connection and closes it when idle', async () => {
    const server = new StreamTransport('TCP', { host: '127.0.0.1', port: 0 });
    const srv = layer([server]);
    await srv.tl.start();
    const client = new StreamTransport('TCP', { host: '127.0.0.1', port: 0, idleTimeoutMs: 150 });
    const cli = layer([client]);
    await cli.tl.start();
    for (const id of ['r1', 'r2', 'r3']) {
      cli.tl.send(options('127.0.0.1', client.local.port, '', id), { protocol: 'TCP', remote: server.local });
    }
    await until(() => srv.user.requests.length === 3);
    assert.equal(client.connectionCount(), 1);
    await until(() => client.connectionCount() === 0, 3000, 'idle close');
    await cli.tl.close();
    await srv.tl.close();
  });

  it('carries SIP over TLS with the configured certificate', async () => {
    const cert = readFileSync(`${FIXTURES}sip-tls/cert.pem`);
    const key = readFileSync(`${FIXTURES}sip-tls/key.pem`);
    const server = new StreamTransport('TLS', { host: '127.0.0.1', port: 0, tls: { cert, key } });
    const srv = layer([server]);
    await srv.tl.start();
    const client = new StreamTransport('TLS', { host: '127.0.0.1', port: 0, tls: { cert, key, ca: cert } });
    const cli = layer([client]);
    await cli.tl.start();
    cli.tl.send(options('127.0.0.1', client.local.port, '', 'tls-1'), {
      protocol: 'TLS',
      remote: server.local,
    });
    await until(() => srv.user.requests.length === 1);
    const req = srv.user.requests[0]!;
    assert.equal(req.source.transport.protocol, 'TLS');
    srv.tl.sendResponse(
      msg([
        'SIP/2.0 200 OK',
        `Via: SIP/2.0/TLS 127.0.0.1:${client.local.port};branch=z9hG4bK1`,
        'To: <sip:a@b>;tag=1',
        'From: <sip:c@d>;tag=2',
        'Call-ID: tls-1',
        'CSeq: 1 OPTIONS',
      ]),
      srv.tl.responseTarget(req),
    );
    await until(() => cli.user.responses.length === 1);
    await cli.tl.close();
    await srv.tl.close();
  });
});
