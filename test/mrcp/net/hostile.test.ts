/**
 * Hostile input to the networked server: garbage on the TCP port, wrong message-lengths, a 10 MB
 * message, an unknown method, a request for another session's channel, INVITEs with malformed
 * MRCP SDP. Each gets the RFC's error response or is dropped and counted; a session opened by
 * our client before it all keeps working.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  MrcpStreamParser,
  type MrcpMessage,
  type MrcpMethod,
  type MrcpSpeechSession,
} from '../../../src/mrcp/index.js';
import { startPair, until, type Pair } from './net-helpers.js';

function frame(startTail: string, headers: string, body = ''): Buffer {
  // Message-length by fixed point (RFC 6787 §5.1: it counts its own digits).
  const rest = `${startTail}\r\n${headers}\r\n${body}`;
  let len = rest.length + 12;
  for (;;) {
    const total = `MRCP/2.0 ${len} `.length + rest.length;
    if (total === len) break;
    len = total;
  }
  return Buffer.from(`MRCP/2.0 ${len} ${rest}`, 'latin1');
}

/** A raw TCP client that collects what the server sends and notices when it closes. */
class Raw {
  readonly messages: MrcpMessage[] = [];
  closed = false;
  private readonly parser = new MrcpStreamParser({ maxMessageSize: 1 << 20 });
  private constructor(readonly sock: Socket) {
    sock.on('data', (b: Buffer) => {
      for (const i of this.parser.push(b).items) if (i.ok) this.messages.push(i.message);
    });
    sock.on('close', () => (this.closed = true));
    sock.on('error', () => undefined);
  }
  static open(port: number): Promise<Raw> {
    return new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new Raw(s)));
    });
  }
  write(b: Buffer | string): void {
    this.sock.write(b);
  }
}

function statusOf(m: MrcpMessage | undefined): number | undefined {
  return m?.kind === 'response' ? m.statusCode : undefined;
}

describe('hostile input to the MRCP server', () => {
  let p: Pair;
  let s: MrcpSpeechSession;
  before(async () => {
    p = await startPair({ rtpBase: 52400 });
    s = await p.client.openSession({ resources: ['speechsynth', 'speechrecog'] });
  });
  after(async () => {
    s.close();
    await p.close();
  });
  const stillWorks = async (): Promise<void> => {
    assert.equal((await s.speak('still here').done).cause, 'normal');
  };

  test('garbage on the TCP port: the connection is closed and counted', async () => {
    const r = await Raw.open(p.server.mrcpPort);
    r.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => r.closed, 2000, 'closed');
    assert.equal(p.server.counters.dropped.garbage, 1);
    const r2 = await Raw.open(p.server.mrcpPort);
    r2.write(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    await until(() => r2.closed, 2000, 'closed');
    assert.equal(p.server.counters.dropped.garbage, 2);
    await stillWorks();
  });

  test('a message-length too small to frame: closed; too large: the stream desynchronises and is closed', async () => {
    const r = await Raw.open(p.server.mrcpPort);
    r.write('MRCP/2.0 10 SET-PARAMS 1\r\nChannel-Identifier: a@speechsynth\r\n\r\n');
    await until(() => r.closed, 2000, 'closed');
    assert.ok((p.server.counters.dropped['bad-message-length'] ?? 0) >= 1);
    const r2 = await Raw.open(p.server.mrcpPort);
    const good = frame('SET-PARAMS 2', 'Channel-Identifier: a@speechsynth\r\n');
    const lying = Buffer.from(
      good.toString('latin1').replace(/^MRCP\/2\.0 \d+/, `MRCP/2.0 ${good.length + 40}`),
      'latin1',
    );
    r2.write(Buffer.concat([lying, good, good]));
    await until(() => r2.closed, 2000, 'closed');
    await stillWorks();
  });

  test('a 10 MB message is answered 504 without being buffered, and the connection goes on', async () => {
    const r = await Raw.open(p.server.mrcpPort);
    const big = 10 * 1024 * 1024;
    const head = `MRCP/2.0 ${big} SPEAK 7\r\nChannel-Identifier: nope@speechsynth\r\nContent-Type: text/plain\r\nContent-Length: ${big - 200}\r\n\r\n`;
    r.write(head);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = head.length;
    while (sent < big) {
      const n = Math.min(chunk.length, big - sent);
      if (!r.sock.write(chunk.subarray(0, n))) await new Promise((res) => r.sock.once('drain', res));
      sent += n;
    }
    await until(() => r.messages.length >= 1, 5000, '504');
    assert.equal(statusOf(r.messages[0]), 504);
    assert.equal(r.messages[0]?.requestId, 7);
    r.write(frame('GET-PARAMS 8', 'Channel-Identifier: nope@speechsynth\r\n'));
    await until(() => r.messages.length >= 2, 2000, 'next answer');
    assert.equal(statusOf(r.messages[1]), 405);
    assert.equal(r.closed, false);
    assert.ok((p.server.counters.dropped['message-too-large'] ?? 0) >= 1);
    r.sock.destroy();
    await stillWorks();
  });

  test('an unknown method is answered 401 on a live channel', async () => {
    const res = await s.request('speechsynth', 'TELEPORT' as MrcpMethod).response;
    assert.equal(res.statusCode, 401);
    await stillWorks();
  });

  test("a request for another session's channel is answered 405 and changes nothing", async () => {
    const victim = s.channel('speechsynth').channelId;
    const r = await Raw.open(p.server.mrcpPort);
    r.write(
      frame(
        'SPEAK 1',
        `Channel-Identifier: ${victim}\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n`,
        'hello',
      ),
    );
    r.write(frame('SET-PARAMS 2', `Channel-Identifier: ${victim}\r\nVoice-Gender: male\r\n`));
    await until(() => r.messages.length >= 2, 2000, 'answers');
    assert.deepEqual(r.messages.map(statusOf), [405, 405]);
    assert.ok((p.server.counters.dropped['foreign-channel'] ?? 0) >= 2);
    r.sock.destroy();
    const got = await s.getParams('speechsynth', ['Voice-Gender']);
    assert.notEqual(got.headers.find((h) => h.name === 'Voice-Gender')?.value, 'male');
    await stillWorks();
  });

  test('a request without Channel-Identifier is answered 406', async () => {
    const r = await Raw.open(p.server.mrcpPort);
    r.write(frame('GET-PARAMS 3', 'Voice-Gender:\r\n'));
    await until(() => r.messages.length >= 1, 2000, 'answer');
    assert.equal(statusOf(r.messages[0]), 406);
    r.sock.destroy();
  });

  test('INVITEs with malformed MRCP SDP are refused (400/488 with a Warning) and counted', async () => {
    const udp = createSocket('udp4');
    await new Promise<void>((res) => udp.bind(0, '127.0.0.1', () => res()));
    const replies: string[] = [];
    udp.on('message', (m) => replies.push(m.toString('latin1')));
    const port = udp.address().port;
    const invite = (n: number, sdp: string): Buffer => {
      const body = Buffer.from(sdp, 'latin1');
      return Buffer.from(
        `INVITE sip:mrcp@127.0.0.1:${p.server.sipPort('UDP')} SIP/2.0\r\n` +
          `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-hostile-${n};rport\r\n` +
          'Max-Forwards: 70\r\n' +
          `From: <sip:evil@127.0.0.1>;tag=h${n}\r\n` +
          `To: <sip:mrcp@127.0.0.1>\r\n` +
          `Call-ID: hostile-${n}@127.0.0.1\r\n` +
          `CSeq: 1 INVITE\r\n` +
          `Contact: <sip:evil@127.0.0.1:${port}>\r\n` +
          'Content-Type: application/sdp\r\n' +
          `Content-Length: ${body.length}\r\n\r\n` +
          sdp,
        'latin1',
      );
    };
    const head = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n';
    const audio = 'm=audio 40000 RTP/AVP 0\r\na=mid:1\r\n';
    const cases = [
      { sdp: 'this is not SDP at all', want: /^SIP\/2\.0 400 / },
      { sdp: head + audio, want: /^SIP\/2\.0 488 / },
      {
        sdp:
          head + audio + 'm=application 9 TCP/MRCPv2 1\r\na=setup:active\r\na=connection:new\r\na=cmid:1\r\n',
        want: /^SIP\/2\.0 488 /,
      },
      {
        sdp:
          head +
          audio +
          'm=application 9 TCP/MRCPv2 1\r\na=setup:active\r\na=connection:new\r\na=resource:speakverify\r\na=cmid:1\r\n',
        want: /^SIP\/2\.0 488 /,
      },
      {
        sdp: head + audio + 'm=application 9 TCP/MRCPv2 1\r\na=setup:passive\r\na=resource:speechsynth\r\n',
        want: /^SIP\/2\.0 488 /,
      },
      {
        sdp: head + audio + 'm=application 9 UDP/MRCPv2 1\r\na=resource:speechsynth\r\n',
        want: /^SIP\/2\.0 488 /,
      },
    ];
    for (const [i, c] of cases.entries()) {
      const before = replies.length;
      udp.send(invite(i, c.sdp), p.server.sipPort('UDP'), '127.0.0.1');
      await until(
        () => replies.slice(before).some((r) => /^SIP\/2\.0 [3-6]\d\d /.test(r)),
        2000,
        `final response ${i}`,
      );
      const final = replies.slice(before).find((r) => /^SIP\/2\.0 [3-6]\d\d /.test(r)) ?? '';
      assert.match(final, c.want, `case ${i}: ${final.split('\r\n')[0]}`);
      if (/ 488 /.test(final)) assert.match(final, /\r\nWarning: 30\d /);
    }
    udp.close();
    const failures = Object.entries(p.server.counters.setupFailures).reduce((a, [, n]) => a + n, 0);
    assert.ok(failures >= cases.length, JSON.stringify(p.server.counters.setupFailures));
    assert.equal(p.server.sessionCount, 1, 'only our own session lives');
    assert.equal(p.serverPool.inUse, 1, 'refused INVITEs hold no RTP port');
    await stillWorks();
  });
});
