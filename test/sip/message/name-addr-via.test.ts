import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatNameAddr,
  formatVia,
  parseNameAddr,
  parseVia,
  type NameAddr,
  type Via,
} from '../../../src/sip/index.js';

function na(s: string): NameAddr {
  const v = parseNameAddr(s);
  assert.ok(typeof v !== 'string', `${s}: ${String(v)}`);
  return v;
}
function via(s: string): Via {
  const v = parseVia(s);
  assert.ok(typeof v !== 'string', `${s}: ${String(v)}`);
  return v;
}

describe('name-addr and addr-spec (RFC 3261 §20.10)', () => {
  it('reads quoted and token display names and header parameters', () => {
    const a = na('"Bob \\"B\\"" <sip:bob@biloxi.com>;tag=a6c85cf');
    assert.equal(a.displayName, 'Bob "B"');
    assert.deepEqual(a.params, [{ name: 'tag', value: 'a6c85cf' }]);
    const b = na('Alice  Smith <sip:alice@atlanta.com>');
    assert.equal(b.displayName, 'Alice Smith');
    assert.equal(formatNameAddr(b), '"Alice Smith" <sip:alice@atlanta.com>');
  });

  it('gives the parameters of a bare addr-spec to the header, not the URI', () => {
    const a = na('sip:+19725552222@gw1.example.net;unknownparam;expires=60');
    assert.ok(a.uri.type === 'sip' && a.uri.params.length === 0);
    assert.deepEqual(
      a.params.map((p) => p.name),
      ['unknownparam', 'expires'],
    );
    const b = na('<sip:+19725552222@gw1.example.net;unknownparam>');
    assert.ok(b.uri.type === 'sip' && b.uri.params.length === 1 && b.params.length === 0);
  });

  it('rejects the malformed forms of RFC 4475 §3.1.2', () => {
    assert.equal(typeof parseNameAddr('"Mr. J. User <sip:j.user@example.com>'), 'string');
    assert.equal(typeof parseNameAddr('"Watson" < sip:t.watson@example.org >'), 'string');
    assert.equal(typeof parseNameAddr('Bell, Alexander <sip:a.g.bell@example.com>;tag=43'), 'string');
    assert.equal(typeof parseNameAddr('sip:user@example.com?Route=%3Csip:sip.example.com%3E'), 'string');
    assert.equal(typeof parseNameAddr('"Joe" <sip:joe@example.org>;;;;'), 'string');
  });
});

describe('Via (RFC 3261 §20.42, RFC 3581, RFC 5118 §4.5)', () => {
  it('reads sent-protocol with LWS, sent-by, branch, received and rport', () => {
    const v = via('SIP  /   2.0 / UDP   192.0.2.2:5062 ; branch = z9hG4bK77ef;rport;received=192.0.2.9');
    assert.deepEqual(
      [v.protocol, v.version, v.transport, v.host, v.port],
      ['SIP', '2.0', 'UDP', '192.0.2.2', 5062],
    );
    assert.equal(v.branch, 'z9hG4bK77ef');
    assert.equal(formatVia(v), 'SIP/2.0/UDP 192.0.2.2:5062;branch=z9hG4bK77ef;rport;received=192.0.2.9');
  });

  it('accepts IPv6 sent-by and received with and without brackets', () => {
    assert.equal(
      via('SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKa').host,
      '[2001:db8::9:1]',
    );
    assert.equal(via('SIP/2.0/UDP [2001:db8::9:1]:6050;received=2001:db8::9:255').port, 6050);
  });

  it('rejects empty parameters, bad ports and bad received values', () => {
    for (const bad of [
      'SIP/2.0/UDP 192.0.2.15;;',
      'SIP/2.0/UDP host:0',
      'SIP/2.0/UDP host:70000',
      'SIP/2.0/UDP host;received=not-an-ip',
      'SIP/2.0 host',
      'SIP/2.0/UDP',
      'SIP/2.0/UDP host;rport=x',
    ]) {
      assert.equal(typeof parseVia(bad), 'string', bad);
    }
  });
});
