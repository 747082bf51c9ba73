import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bodyText,
  causeCode,
  formatCause,
  formatHeader,
  getHeader,
  headerOr,
  headerValues,
  makeEvent,
  makeRequest,
  makeResponse,
  messageLength,
  methodAppliesTo,
  MrcpStreamParser,
  parseMessage,
  serializeMessage,
} from '../../src/mrcp/index.js';

const CH = 'abc123@speechsynth';

describe('mrcp serializer', () => {
  it('finds the message-length fixed point across digit-count boundaries', () => {
    for (let base = 0; base < 100_010; base++) {
      const n = messageLength(base);
      assert.equal(n, base + String(n).length);
    }
    assert.equal(messageLength(8), 9);
    assert.equal(messageLength(9), 11);
    assert.equal(messageLength(98), 101);
    assert.equal(messageLength(99_995), 100_001);
  });

  it('prints a request whose message-length equals its size, with Content-Length from the body', () => {
    const req = makeRequest('SPEAK', 1, CH, [{ name: 'Content-Type', value: 'text/plain' }], 'héllo');
    const out = serializeMessage(req);
    const text = out.toString('utf8');
    assert.match(
      text,
      /^MRCP\/2\.0 (\d+) SPEAK 1\r\nChannel-Identifier: abc123@speechsynth\r\nContent-Type: text\/plain\r\nContent-Length: 6\r\n\r\nhéllo$/,
    );
    assert.equal(Number(/^MRCP\/2\.0 (\d+)/.exec(text)![1]), out.length);
    const back = parseMessage(out);
    assert.ok(back.ok && back.message.kind === 'request');
    assert.equal(bodyText(back.message), 'héllo');
  });

  it('corrects a wrong Content-Length and keeps only one', () => {
    const req = makeRequest(
      'SPEAK',
      2,
      CH,
      [
        { name: 'Content-Length', value: '99' },
        { name: 'Content-Length', value: '98' },
      ],
      'abc',
    );
    const text = serializeMessage(req).toString();
    assert.equal(text.match(/Content-Length/g)!.length, 1);
    assert.match(text, /Content-Length: 3\r\n\r\nabc$/);
  });

  it('prints responses and events', () => {
    assert.match(
      serializeMessage(makeResponse(7, 200, 'IN-PROGRESS', CH)).toString(),
      /^MRCP\/2\.0 \d+ 7 200 IN-PROGRESS\r\n/,
    );
    const ev = makeEvent('SPEAK-COMPLETE', 7, 'COMPLETE', CH, [
      { name: 'Completion-Cause', value: formatCause('speechsynth', 'barge-in') },
    ]);
    assert.match(
      serializeMessage(ev).toString(),
      /SPEAK-COMPLETE 7 COMPLETE\r\nChannel-Identifier: abc123@speechsynth\r\nCompletion-Cause: 001 barge-in\r\n\r\n$/,
    );
  });
});

describe('mrcp tables and typed headers', () => {
  it('derives cause codes and method scopes from the tables', () => {
    assert.equal(causeCode('speechrecog', 'grammar-definition-failure'), 16);
    assert.equal(formatCause('recorder', 'no-input-timeout'), '002 no-input-timeout');
    assert.ok(methodAppliesTo('SPEAK', 'speechsynth'));
    assert.ok(!methodAppliesTo('SPEAK', 'speechrecog'));
    assert.ok(methodAppliesTo('SET-PARAMS', 'recorder'));
    assert.ok(methodAppliesTo('START-INPUT-TIMERS', 'recorder'));
  });

  it('reads each header kind and reports illegal values', () => {
    const h = [
      { name: 'channel-identifier', value: 'S1@speechrecog' },
      { name: 'Active-Request-Id-List', value: '1, 22,333' },
      { name: 'Completion-Cause', value: '002 no-input-timeout' },
      { name: 'No-Input-Timeout', value: '5000' },
      { name: 'Start-Input-Timers', value: 'FALSE' },
      { name: 'Confidence-Threshold', value: '0.75' },
      { name: 'Speech-Marker', value: 'timestamp=857206027059;m1' },
      { name: 'Content-Type', value: 'application/SRGS+xml; charset="utf-8"' },
      { name: 'DTMF-Term-Char', value: '#' },
      { name: 'Recognition-Timeout', value: '-1' },
      { name: 'Sensitivity-Level', value: '1.5' },
    ];
    assert.deepEqual(getHeader(h, 'Channel-Identifier'), {
      present: true,
      ok: true,
      value: { sessionId: 'S1', resource: 'speechrecog' },
    });
    assert.deepEqual(headerOr(h, 'Active-Request-Id-List', []), [1, 22, 333]);
    assert.deepEqual(headerOr(h, 'Completion-Cause', { code: 0, name: '' }), {
      code: 2,
      name: 'no-input-timeout',
    });
    assert.equal(headerOr(h, 'No-Input-Timeout', 0), 5000);
    assert.equal(headerOr(h, 'Start-Input-Timers', true), false);
    assert.equal(headerOr(h, 'Confidence-Threshold', 0), 0.75);
    assert.deepEqual(headerOr(h, 'Speech-Marker', { timestamp: 0n }), {
      timestamp: 857206027059n,
      marker: 'm1',
    });
    assert.deepEqual(headerOr(h, 'Content-Type', { mediaType: '', params: {} }), {
      mediaType: 'application/srgs+xml',
      params: { charset: 'utf-8' },
    });
    assert.equal(headerOr(h, 'DTMF-Term-Char', ''), '#');
    assert.deepEqual(getHeader(h, 'Recognition-Timeout'), {
      present: true,
      ok: false,
      reason: 'not an unsigned integer',
    });
    assert.deepEqual(getHeader(h, 'Sensitivity-Level'), {
      present: true,
      ok: false,
      reason: 'not a number in 0.0-1.0',
    });
    assert.deepEqual(getHeader(h, 'Speech-Complete-Timeout'), { present: false });
    assert.deepEqual(formatHeader('Active-Request-Id-List', [4, 5]), {
      name: 'Active-Request-Id-List',
      value: '4,5',
    });
    assert.deepEqual(
      formatHeader('Vendor-Specific-Parameters', [
        { name: 'a.b', value: 'x y' },
        { name: 'c', value: '1' },
      ]),
      {
        name: 'Vendor-Specific-Parameters',
        value: 'a.b="x y";c=1',
      },
    );
    assert.deepEqual(
      headerValues(
        [
          { name: 'A', value: '1' },
          { name: 'a', value: '2' },
        ],
        'A',
      ),
      ['1', '2'],
    );
  });
});

function msg(id: number, body = ''): Buffer {
  return serializeMessage(
    makeRequest('SPEAK', id, CH, [{ name: 'Content-Type', value: 'text/plain' }], body),
  );
}

describe('mrcp stream parser', () => {
  it('returns needs-more for a split message and complete once it is whole', () => {
    const m = msg(1, 'hello');
    const p = new MrcpStreamParser();
    for (let i = 0; i < m.length - 1; i++)
      assert.deepEqual(p.push(m.subarray(i, i + 1)), { state: 'needs-more', items: [] });
    const r = p.push(m.subarray(m.length - 1));
    assert.equal(r.state, 'complete');
    assert.equal(r.items.length, 1);
    assert.ok(r.items[0]!.ok && r.items[0]!.message.requestId === 1);
  });

  it('splits several messages packed in one segment, keeping a trailing partial', () => {
    const a = msg(1, 'one');
    const b = msg(2, 'two');
    const c = msg(3, 'three');
    const p = new MrcpStreamParser();
    const r = p.push(Buffer.concat([a, b, c.subarray(0, 10)]));
    assert.equal(r.state, 'needs-more');
    assert.deepEqual(
      r.items.map((i) => i.ok && i.message.requestId),
      [1, 2],
    );
    const r2 = p.push(c.subarray(10));
    assert.equal(r2.state, 'complete');
    assert.ok(r2.items[0]!.ok && bodyText(r2.items[0]!.message) === 'three');
  });

  it('gives bodies as views into the segment when a message sits in one', () => {
    const seg = Buffer.concat([msg(1, 'abc'), msg(2, 'def')]);
    const r = new MrcpStreamParser().push(seg);
    const first = r.items[0]!;
    assert.ok(first.ok);
    assert.equal(first.message.body.buffer, seg.buffer);
  });

  it('skips an oversized message without buffering it, reports 504 with its request id, and goes on', () => {
    const p = new MrcpStreamParser({ maxMessageSize: 1000 });
    const big = msg(7, 'x'.repeat(5000));
    const items = [];
    for (let i = 0; i < big.length; i += 512) {
      items.push(...p.push(big.subarray(i, i + 512)).items);
      assert.ok(p.buffered < 1100);
    }
    assert.equal(items.length, 1);
    assert.ok(!items[0]!.ok);
    assert.deepEqual(
      [items[0]!.error.code, items[0]!.error.status, items[0]!.error.requestId, items[0]!.error.fatal],
      ['message-too-large', 504, 7, false],
    );
    const r = p.push(msg(8, 'ok'));
    assert.equal(r.state, 'complete');
    assert.ok(r.items[0]!.ok && r.items[0]!.message.requestId === 8);
    assert.equal(p.stats.skippedBytes, big.length);
  });

  it('fails fatally on garbage, a start line without CRLF, or an impossible length', () => {
    const g = new MrcpStreamParser().push(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    assert.equal(g.state, 'error');
    assert.ok(!g.items[0]!.ok && g.items[0]!.error.code === 'bad-start-line');
    const long = new MrcpStreamParser({ maxStartLine: 64 }).push(Buffer.from('MRCP/2.0 ' + '1'.repeat(100)));
    assert.ok(
      long.state === 'error' && !long.items[0]!.ok && long.items[0]!.error.code === 'start-line-too-long',
    );
    const tiny = new MrcpStreamParser().push(Buffer.from('MRCP/2.0 5 SPEAK 1\r\n\r\n'));
    assert.ok(
      tiny.state === 'error' && !tiny.items[0]!.ok && tiny.items[0]!.error.code === 'bad-message-length',
    );
    const p = new MrcpStreamParser();
    p.push(Buffer.from('XX'));
    assert.equal(p.push(msg(1)).state, 'error', 'a dead stream stays dead');
    p.reset();
    assert.equal(p.push(msg(1)).state, 'complete', 'until reset');
  });

  it('reports a Content-Length mismatch, a bad header or a bad version for that message only', () => {
    const bad = Buffer.from(
      'MRCP/2.0 64 SPEAK 3\r\nChannel-Identifier: a@speechsynth\r\nContent-Length: 9\r\n\r\nabc',
    );
    const fixLen = (b: Buffer): Buffer => {
      const s = b.toString('latin1');
      const version = s.slice(0, 8);
      const rest = s.replace(/^MRCP\/\d\.\d \d+/, '');
      const n = messageLength(version.length + 1 + rest.length);
      return Buffer.from(`${version} ${n}${rest}`, 'latin1');
    };
    const p = new MrcpStreamParser();
    const r = p.push(
      Buffer.concat([
        fixLen(bad),
        fixLen(Buffer.from('MRCP/2.0 0 SPEAK 4\r\nbad header line\r\n\r\n')),
        fixLen(Buffer.from('MRCP/3.0 0 SPEAK 5\r\nChannel-Identifier: a@speechsynth\r\n\r\n')),
        msg(6),
      ]),
    );
    assert.equal(r.state, 'complete');
    const codes = r.items.map((i) =>
      i.ok ? `ok:${i.message.requestId}` : `${i.error.code}:${i.error.requestId}:${i.error.status}`,
    );
    assert.deepEqual(codes, [
      'content-length-mismatch:3:404',
      'bad-header:4:408',
      'bad-version:5:502',
      'ok:6',
    ]);
  });

  it('parses responses and events and rejects a bad request-state', () => {
    const res = serializeMessage(makeResponse(9, 402, 'COMPLETE', CH));
    const ev = serializeMessage(makeEvent('START-OF-INPUT', 9, 'IN-PROGRESS', 'x@speechrecog'));
    const r = new MrcpStreamParser().push(Buffer.concat([res, ev]));
    assert.deepEqual(
      r.items.map((i) => i.ok && i.message.kind),
      ['response', 'event'],
    );
    const s = 'MRCP/2.0 0 9 200 DONE\r\nChannel-Identifier: a@b\r\n\r\n';
    const n = messageLength(s.length - 1);
    const r2 = new MrcpStreamParser().push(Buffer.from(s.replace(' 0 ', ` ${n} `)));
    assert.ok(!r2.items[0]!.ok && r2.items[0]!.error.code === 'bad-request-state');
  });
});
