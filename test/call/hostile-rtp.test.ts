/**
 * Hostile RTP against live calls: malformed RTP and RTCP, packets from a stranger's address,
 * zero-length datagrams, a flood on the call's port and one on an unused pool port. Each is
 * counted by cause and dropped; the call under attack still collects its digits and a call
 * alongside it is untouched.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, describe, it } from 'node:test';
import type { Session } from '../../src/sip/index.js';
import { app, collect, gate, sleep, stopGates, until } from './harness.js';

after(stopGates);

function rtp(pt: number, seq: number, ts: number, payload: Buffer, marker = false): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = (marker ? 0x80 : 0) | pt;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(ts >>> 0, 4);
  h.writeUInt32BE(0xcafe0001, 8);
  return Buffer.concat([h, payload]);
}

async function bind(address: string): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, address, r));
  return s;
}

describe('hostile RTP during calls', () => {
  it('counts and drops every hostile datagram; the calls go on', async () => {
    const callee = await gate({
      apps: [
        app('ivr', [
          { type: 'answer' },
          collect({ maxDigits: 8, terminator: '#', firstDigitTimeoutMs: 8000 }),
          { type: 'hangup', cause: 16 },
        ]),
      ],
    });
    const caller = await gate({ peerPort: callee.port });
    const media = await bind('127.0.0.1');
    const stranger = await bind('127.0.0.2');
    const sockets = [media, stranger];
    try {
      const offer = Buffer.from(
        `v=0\r\no=test 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${media.address().port} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n`,
      );
      let session: Session | undefined;
      let vgPort = 0;
      caller.stack.invite({
        trunk: 'carrier',
        to: '2000',
        body: offer,
        delegate: {
          onAccepted: (s, res) => {
            session = s;
            vgPort = Number(/m=audio (\d+)/.exec(res.body.toString())![1]);
          },
        },
      });
      // A normal call alongside, gate to gate.
      const other = await caller.manager.originate({
        trunk: 'carrier',
        to: '3000',
        app: app('dial', [
          { type: 'pause', ms: 1500 },
          { type: 'sendDigits', digits: '77#', method: 'rfc4733', toneMs: 80, gapMs: 60 },
          { type: 'pause', ms: 3000 },
        ]),
      });
      assert.ok(other.ok);
      await until(() => session !== undefined, 'the call under attack is answered');
      const to = (s: Socket, buf: Buffer, port = vgPort, host = '127.0.0.1') =>
        new Promise<void>((r) => s.send(buf, port, host, () => r()));
      let seq = 100;
      let ts = 16000;
      const silence = Buffer.alloc(160, 0xd5);
      const audio = setInterval(() => {
        void to(media, rtp(8, seq++, (ts += 160), silence));
      }, 20);
      try {
        await sleep(200); // latched to `media`
        for (let i = 0; i < 5; i++)
          await to(media, Buffer.from([0x40, 8, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xd5])); // version 1
        await to(media, Buffer.from([0x80, 8, 0])); // truncated header
        for (let i = 0; i < 3; i++) await to(media, Buffer.alloc(0)); // zero length
        for (let i = 0; i < 3; i++) await to(media, Buffer.from([0x81, 200, 0, 40, 1, 2]), vgPort + 1); // RTCP SR, cut short
        for (let i = 0; i < 5; i++) await to(stranger, rtp(8, 5000 + i, 99, silence)); // a stranger
        await sleep(100);
        // A flood on the call's port: beyond 400 datagrams a second they are dropped as flood.
        for (let i = 0; i < 800; i++) media.send(rtp(8, 60000 + i, 1, silence), vgPort, '127.0.0.1');
        // And one on a pool port no call uses (no socket: the kernel drops them).
        const unused = vgPort + 60; // beyond the two calls' pairs
        for (let i = 0; i < 500; i++) stranger.send(rtp(8, i, i, silence), unused, '127.0.0.1');
        await sleep(1200); // the next rate window
        // RFC 4733 digits 1, 2, # from the real peer: the call still hears them.
        let evTs = ts + 100_000;
        for (const event of [1, 2, 11]) {
          evTs += 2000;
          for (let i = 0; i < 8; i++) {
            const end = i >= 5;
            const p = Buffer.from([event, (end ? 0x80 : 0) | 10, 0, 0]);
            p.writeUInt16BE(Math.min(i + 1, 5) * 160, 2);
            await to(media, rtp(101, seq++, evTs, p, i === 0));
            await sleep(20);
          }
          await sleep(60);
        }
        await until(() => callee.cdrs.length >= 2, 'both calls ended', 10_000);
      } finally {
        clearInterval(audio);
      }
      const attacked = callee.cdrs.find((c) => c.to === '2000')!;
      assert.equal(attacked.digits, '12#');
      assert.equal(attacked.endCause.by, 'voicegate');
      assert.equal(attacked.endCause.what, 'app-hangup');
      const d = attacked.rtp!.dropped;
      assert.ok((d.malformed ?? 0) >= 6 + 3, `malformed ${d.malformed}`);
      assert.ok((d.zeroLength ?? 0) >= 3, `zero-length ${d.zeroLength}`);
      assert.ok((d.stranger ?? 0) >= 5, `stranger ${d.stranger}`);
      assert.ok((d.flood ?? 0) >= 300, `flood ${d.flood}`);
      assert.equal(callee.counters.stranger, d.stranger, 'the daemon-wide counters saw them too');
      const calm = callee.cdrs.find((c) => c.to === '3000')!;
      assert.equal(calm.digits, '77#');
      assert.deepEqual(calm.rtp!.dropped, {}, 'the other call saw nothing of it');
      assert.equal(calm.endCause.what, 'app-hangup');
    } finally {
      for (const s of sockets) s.close();
    }
  });
});
