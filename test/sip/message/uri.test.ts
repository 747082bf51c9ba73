import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatUri, parseUri, sipUriEquals, type SipUri } from '../../../src/sip/index.js';

function sip(s: string): SipUri {
  const u = parseUri(s);
  assert.ok(typeof u !== 'string' && u.type === 'sip', `${s}: ${String(u)}`);
  return u;
}

describe('URIs (RFC 3261 §19.1, RFC 3966, RFC 5118)', () => {
  it('splits user, password, host, port, parameters and headers', () => {
    const u = sip('sips:alice:secret@Example.COM:5061;transport=tcp;lr?Subject=hi&Priority=urgent');
    assert.equal(u.scheme, 'sips');
    assert.deepEqual([u.user, u.password, u.host, u.port], ['alice', 'secret', 'Example.COM', 5061]);
    assert.deepEqual(u.params, [
      { name: 'transport', value: 'tcp' },
      { name: 'lr', value: null },
    ]);
    assert.deepEqual(u.headers, [
      { name: 'Subject', value: 'hi' },
      { name: 'Priority', value: 'urgent' },
    ]);
    assert.equal(
      formatUri(u),
      'sips:alice:secret@Example.COM:5061;transport=tcp;lr?Subject=hi&Priority=urgent',
    );
  });

  it('keeps escapes as written and compares unescaped (§19.1.4)', () => {
    const a = sip('sip:%61lice@atlanta.com;transport=TCP');
    const b = sip('sip:alice@AtLanTa.CoM;Transport=tcp');
    assert.equal(a.user, '%61lice');
    assert.ok(sipUriEquals(a, b));
    assert.ok(!sipUriEquals(sip('sip:alice@atlanta.com'), sip('sip:alice@atlanta.com:5060')));
    assert.ok(!sipUriEquals(sip('sip:alice@atlanta.com;transport=udp'), sip('sip:alice@atlanta.com')));
    assert.ok(sipUriEquals(sip('sip:alice@atlanta.com;foo=1'), sip('sip:alice@atlanta.com')));
    assert.ok(!sipUriEquals(sip('sip:ALICE@atlanta.com'), sip('sip:alice@atlanta.com')));
  });

  it('reads IPv6 references with and without a port', () => {
    const a = sip('sip:user@[2001:db8::10]:5070');
    assert.deepEqual([a.host, a.port], ['[2001:db8::10]', 5070]);
    const b = sip('sip:[2001:db8::10:5070]');
    assert.deepEqual([b.host, b.port], ['[2001:db8::10:5070]', null]);
    assert.equal(typeof parseUri('sip:user@2001:db8::10'), 'string');
    assert.equal(typeof parseUri('sip:user@[2001:db8::10'), 'string');
  });

  it('parses tel URIs and keeps other schemes opaque', () => {
    const t = parseUri('tel:+1-201-555-0123;phone-context=example.com');
    assert.ok(typeof t !== 'string' && t.type === 'tel');
    assert.equal(t.number, '+1-201-555-0123');
    assert.equal(formatUri(t), 'tel:+1-201-555-0123;phone-context=example.com');
    const o = parseUri('soap.beep://192.0.2.103:3002');
    assert.ok(typeof o !== 'string' && o.type === 'other');
    assert.equal(o.scheme, 'soap.beep');
  });

  it('rejects malformed URIs with a reason', () => {
    for (const bad of [
      '<sip:a@b>',
      'sip:',
      'sip:a@b:99999',
      'sip:a@b;=x',
      'sip:a@b c',
      'sip:@host',
      '1abc:x',
      'sip:a%zz@b',
    ]) {
      assert.equal(typeof parseUri(bad), 'string', bad);
    }
  });
});
