/**
 * Hostile input while real calls run: random bytes, truncated messages, huge headers, 10,000
 * headers, Content-Length larger than the body, an endless TCP header section, and a flood of
 * requests from an address in no trunk's ACL. SIPp's calls all complete, every bad message is
 * counted by cause, the tables stay within their bounds, and memory stops growing.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { until } from '../helpers.js';
import { startSipp, stat } from './runner.js';
import { TestApp } from './test-app.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

let seed = 7;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

const INVITE = (callId: string, extra = '', body = 'v=0\r\n', cl?: number) =>
  Buffer.from(
    `INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK${callId}\r\nMax-Forwards: 70\r\n` +
      `To: <sip:100@127.0.0.1>\r\nFrom: <sip:x@127.0.0.1>;tag=${callId}\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\n` +
      `Contact: <sip:x@127.0.0.1:9>\r\n${extra}Content-Type: application/sdp\r\nContent-Length: ${cl ?? body.length}\r\n\r\n${body}`,
  );

/** One round of every kind of hostile datagram. */
function hostileBatch(i: number): Buffer[] {
  const out: Buffer[] = [];
  const rnd = Buffer.alloc(1 + rand(1400));
  for (let k = 0; k < rnd.length; k++) rnd[k] = rand(256);
  out.push(rnd);
  const full = INVITE(`t${i}`);
  out.push(full.subarray(0, 1 + rand(full.length - 1)));
  out.push(INVITE(`h${i}`, `X-Huge: ${'a'.repeat(20_000)}\r\n`));
  out.push(INVITE(`c${i}`, '', 'v=0\r\n', 5000));
  out.push(Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\n${'X:1\r\n'.repeat(10_000)}\r\n`));
  out.push(INVITE(`v${i}`, '', 'v=0\r\n').subarray(0, 60));
  return out;
}

async function blast(sock: Socket, port: number, packets: Buffer[], host = '127.0.0.1'): Promise<void> {
  for (let i = 0; i < packets.length; i++) {
    sock.send(packets[i]!, port, host);
    // Yield often: the stack runs in this process and the kernel drops what its buffer cannot hold.
    if (i % 4 === 3) await new Promise((r) => setTimeout(r, 1));
  }
}

describe('hostile input while calls run', () => {
  it('keeps serving SIPp calls, counts every bad message, and memory stays bounded', async (t) => {
    const app = new TestApp(
      {
        listen: [
          { protocol: 'udp', host: '127.0.0.1', port: 0 },
          { protocol: 'tcp', host: '127.0.0.1', port: 0 },
        ],
        trunks: [{ name: 'sipp', peers: ['127.0.0.1:9'], transport: 'udp', acl: ['127.0.0.1'] }],
        rejectRate: 20,
      },
      { kind: 'answer' },
    );
    await app.start();
    const udpPort = app.port;
    const tcpPort = app.stack.transport.transports[1]!.local.port;
    const sockets: Array<{ close(): void }> = [];
    try {
      const calls = 200;
      const sipp = await startSipp({
        scenario: 'uac-basic.xml',
        remote: `127.0.0.1:${udpPort}`,
        calls,
        rate: 25,
        timeoutSeconds: 60,
      });
      const bad = createSocket('udp4');
      await new Promise<void>((r) => bad.bind(0, '127.0.0.1', r));
      const stranger = createSocket('udp4');
      await new Promise<void>((r) => stranger.bind(0, '127.0.0.2', r));
      sockets.push(bad, stranger);
      // An endless TCP header section and a TCP message over the size bound.
      const endless = connect(tcpPort, '127.0.0.1');
      sockets.push({ close: () => endless.destroy() });
      endless.on('error', () => {});
      const endlessClosed = new Promise<void>((r) => endless.once('close', () => r()));
      endless.write('OPTIONS sip:a@b SIP/2.0\r\n');
      for (let i = 0; i < 40; i++) endless.write(`X-Pad: ${'p'.repeat(1000)}\r\n`);

      const rounds = async (from: number, to: number) => {
        for (let i = from; i < to; i++) {
          await blast(bad, udpPort, hostileBatch(i));
          await blast(stranger, udpPort, [INVITE(`s${i}`), INVITE(`s${i}b`)]);
        }
      };
      await rounds(0, 200);
      const heap1 = heapMb();
      await rounds(200, 1000);
      await endlessClosed;
      const r = await sipp.done;
      // With the calls done (their transactions linger for Timer J/L), more hostile rounds must not grow the heap.
      const heap2 = heapMb();
      await rounds(1000, 1800);
      const heap3 = heapMb();
      await until(() => app.stack.dialogCount === 0, 10_000, 'calls to end').catch((e: Error) => {
        const left = [...(app.stack as unknown as { dialogs: Map<string, { state?: string }> }).dialogs].map(
          ([k, u]) => `${k} ${u.state}`,
        );
        throw new Error(`${e.message}: ${left.join('; ')} sipp ${JSON.stringify(r.stats).slice(0, 300)}`);
      });
      const c = app.stack.counters;
      t.diagnostic(
        `heap: ${heap1.toFixed(1)} MB after 200 rounds, ${heap2.toFixed(1)} MB after 1000 and the calls, ${heap3.toFixed(1)} MB after 1800`,
      );
      t.diagnostic(
        `parse errors ${JSON.stringify(c.parseErrors)}; ACL rejected ${c.aclRejected}, dropped ${c.aclDropped}`,
      );
      // The real calls all completed.
      assert.equal(r.code, 0, r.errors.slice(0, 2000));
      assert.equal(stat(r, 'SuccessfulCall'), calls);
      assert.equal(app.stats.answered, calls);
      // Every bad message that reached the stack (the kernel drops some datagrams) was refused for a counted reason.
      const pe = c.parseErrors;
      for (const k of [
        'too_many_headers',
        'header_too_long',
        'content_length_exceeds_body',
        'no_header_end',
      ]) {
        assert.ok((pe[k] ?? 0) >= 200, `${k}: ${pe[k]}`);
      }
      const refused = Object.values(pe).reduce((a, b) => a + b, 0);
      assert.ok(refused <= 6 * 1800 && c.messagesReceived >= refused);
      assert.ok(c.aclRejected + c.aclDropped >= 1000, 'stranger requests refused');
      assert.ok(c.aclRejected <= 20 * 60 + 20, '403s are rate-bounded (20/s)');
      assert.equal(app.stats.invites, calls, 'no hostile or stranger INVITE reached the application');
      assert.ok(c.transportErrors >= 1, 'the endless TCP header section was cut');
      // Nothing from the hostile traffic is left in the tables, and the heap did not grow with it.
      assert.ok(app.stack.transactions.size < 2 * calls + 50, `transactions ${app.stack.transactions.size}`);
      assert.equal(app.stack.transport.transports[1]!.connectionCount(), 0);
      assert.ok(heap2 - heap1 < 20, `heap grew ${(heap2 - heap1).toFixed(1)} MB while the calls ran`);
      assert.ok(heap3 - heap2 < 3, `heap grew ${(heap3 - heap2).toFixed(1)} MB over 800 more hostile rounds`);
    } finally {
      for (const s of sockets) s.close();
      await app.stop();
    }
  });
});
