import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeaderList, parseMessage, serializeMessage, SipRequest } from '../../../src/sip/index.js';

const INVITE = [
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.com>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\n',
].join('\r\n');

describe('parser and serializer (RFC 3261 §7)', () => {
  it('parses a request and prints it back byte for byte when already canonical', () => {
    const m = parseMessage(Buffer.from(INVITE));
    assert.equal(m.kind, 'request');
    if (m.kind !== 'request') return;
    assert.equal(m.method, 'INVITE');
    assert.equal(m.headers.get('call-id'), 'a84b4c76e66710@pc33.atlanta.com');
    assert.equal(m.headers.get('i'), 'a84b4c76e66710@pc33.atlanta.com');
    assert.equal(m.body.toString(), 'v=0\n');
    assert.equal(serializeMessage(m).toString(), INVITE);
  });

  it('parses a response with an empty reason phrase', () => {
    const m = parseMessage(Buffer.from('SIP/2.0 180 \r\nCSeq: 1 INVITE\r\n\r\n'));
    assert.ok(m.kind === 'response');
    assert.deepEqual([m.status, m.reason], [180, '']);
  });

  it('accepts bare LF line ends and leading CRLFs', () => {
    const m = parseMessage(
      Buffer.from('\r\n\r\nOPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nl: 0\n\n'),
    );
    assert.ok(m.kind === 'request');
    assert.equal(m.headers.get('Content-Length'), '0');
  });

  it('without Content-Length takes the rest of a datagram, but requires it on a stream', () => {
    const text = Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\nhello');
    const d = parseMessage(text);
    assert.ok(d.kind === 'request' && d.body.toString() === 'hello');
    const s = parseMessage(text, undefined, true);
    assert.ok(s.kind === 'error' && s.code === 'missing_content_length');
  });

  it('bounds the message size, the header count and the line length', () => {
    const big = parseMessage(Buffer.alloc(70000, 0x41));
    assert.ok(big.kind === 'error' && big.code === 'message_too_large');
    const many = 'OPTIONS sip:a@b SIP/2.0\r\n' + 'X-A: 1\r\n'.repeat(10000) + '\r\n';
    const r1 = parseMessage(Buffer.from(many), {
      maxMessageBytes: 1e6,
      maxHeaders: 256,
      maxHeaderLineBytes: 8192,
    });
    assert.ok(r1.kind === 'error' && r1.code === 'too_many_headers');
    const long = 'OPTIONS sip:a@b SIP/2.0\r\nX-A: ' + 'a'.repeat(9000) + '\r\n\r\n';
    const r2 = parseMessage(Buffer.from(long));
    assert.ok(r2.kind === 'error' && r2.code === 'header_too_long');
    const folded = 'OPTIONS sip:a@b SIP/2.0\r\nX-A: a\r\n' + ` ${'b'.repeat(100)}\r\n`.repeat(100) + '\r\n';
    const r3 = parseMessage(Buffer.from(folded));
    assert.ok(r3.kind === 'error' && r3.code === 'header_too_long');
  });

  it('returns coded errors for truncated and random input, never throwing', () => {
    const full = Buffer.from(INVITE);
    for (let n = 0; n < full.length; n++) {
      const r = parseMessage(full.subarray(0, n));
      if (r.kind === 'error') assert.ok(typeof r.code === 'string');
    }
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.alloc(1 + (i % 300));
      for (let k = 0; k < b.length; k++) b[k] = rand();
      if (i % 3 === 0) full.copy(b, 0, 0, Math.min(b.length, 40));
      const r = parseMessage(b);
      assert.ok(r.kind === 'error' || r.kind === 'request' || r.kind === 'response');
    }
  });

  it('keeps the start line and headers when only the framing fails, so a UAS can answer', () => {
    const r = parseMessage(Buffer.from(INVITE.replace('Content-Length: 4', 'Content-Length: 400')));
    assert.ok(r.kind === 'error' && r.code === 'content_length_exceeds_body');
    assert.equal(r.partial?.headers.get('call-id'), 'a84b4c76e66710@pc33.atlanta.com');
  });

  it('HeaderList keeps order and edits by canonical key', () => {
    const h = new HeaderList();
    h.append('Via', 'SIP/2.0/UDP a').append('X-Custom', '1').append('v', 'SIP/2.0/UDP b');
    h.prepend('Via', 'SIP/2.0/UDP top');
    assert.deepEqual(h.getAll('via'), ['SIP/2.0/UDP top', 'SIP/2.0/UDP a', 'SIP/2.0/UDP b']);
    h.append('Route', '<sip:p1;lr>, <sip:p2;lr>');
    assert.equal(h.shiftValue('route'), '<sip:p1;lr>');
    assert.equal(h.get('route'), '<sip:p2;lr>');
    h.set('x-custom', '2');
    assert.equal(h.get('X-CUSTOM'), '2');
    assert.equal(h.lines[2]!.name, 'X-Custom');
    const req = new SipRequest('OPTIONS', 'sip:a@b', h);
    assert.match(serializeMessage(req).toString(), /^OPTIONS sip:a@b SIP\/2.0\r\nVia: SIP\/2.0\/UDP top\r\n/);
  });
});
