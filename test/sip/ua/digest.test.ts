/** Digest authentication (RFC 2617, RFC 7616, RFC 8760) against the RFCs' own examples. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authorize,
  digestResponse,
  DigestServer,
  parseAuthParams,
  pickChallenge,
} from '../../../src/sip/index.js';

const RFC7616 = {
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  qop: 'auth',
};
const MUFASA = { username: 'Mufasa', password: 'Circle of Life' };
const CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';

describe('digest (RFC 7616, RFC 8760)', () => {
  it('computes the RFC 7616 §3.9.1 responses for MD5 and SHA-256, and RFC 2617 §3.5', () => {
    assert.equal(
      digestResponse({ ...RFC7616, algorithm: 'MD5' }, MUFASA, 'GET', '/dir/index.html', CNONCE, '00000001'),
      '8ca523f5e9506fed4657c9700eebdbec',
    );
    assert.equal(
      digestResponse(
        { ...RFC7616, algorithm: 'SHA-256' },
        MUFASA,
        'GET',
        '/dir/index.html',
        CNONCE,
        '00000001',
      ),
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
    assert.equal(
      digestResponse(
        {
          algorithm: 'MD5',
          realm: 'testrealm@host.com',
          nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
          qop: 'auth',
        },
        { username: 'Mufasa', password: 'Circle Of Life' },
        'GET',
        '/dir/index.html',
        '0a4f113b',
        '00000001',
      ),
      '6629fae49393a05397450978507c4ef1',
    );
  });

  it('picks the strongest of several challenges (RFC 8760 §2.4) and answers it', () => {
    const ch = pickChallenge([
      'Digest realm="carrier", nonce="n1", algorithm=MD5, qop="auth"',
      'Digest realm="carrier", nonce="n1", algorithm=SHA-256, qop="auth"',
      'Basic realm="x"',
    ]);
    assert.equal(ch?.algorithm, 'SHA-256');
    const value = authorize(ch!, { username: 'u', password: 'p' }, 'INVITE', 'sip:100@carrier');
    const p = parseAuthParams(value)!;
    assert.equal(p.scheme, 'Digest');
    assert.equal(p.params.get('uri'), 'sip:100@carrier');
    assert.equal(p.params.get('qop'), 'auth');
    assert.equal(p.params.get('nc'), '00000001');
    assert.equal(
      p.params.get('response'),
      digestResponse(
        ch!,
        { username: 'u', password: 'p' },
        'INVITE',
        'sip:100@carrier',
        p.params.get('cnonce')!,
        '00000001',
      ),
    );
  });

  it('the server issues nonces, verifies good answers for MD5 and SHA-256, refuses bad and stale ones', () => {
    let now = 1_000_000;
    const server = new DigestServer({ realm: 'voicegate', now: () => now, nonceTtlMs: 60_000 });
    const challenges = server.challenges();
    assert.equal(challenges.length, 2);
    const pw = (u: string) => (u === 'carrier' ? 'secret' : undefined);
    for (const c of challenges) {
      const ch = pickChallenge([c])!;
      const good = authorize(ch, { username: 'carrier', password: 'secret' }, 'INVITE', 'sip:v@10.0.0.1');
      assert.equal(server.verify(good, 'INVITE', pw).result, 'ok', ch.algorithm);
      assert.equal(server.verify(good, 'BYE', pw).result, 'bad', 'the method is part of the hash');
      const wrong = authorize(ch, { username: 'carrier', password: 'guess' }, 'INVITE', 'sip:v@10.0.0.1');
      assert.equal(server.verify(wrong, 'INVITE', pw).result, 'bad');
      const forged = good.replace(/nonce="[^"]+"/, 'nonce="abc.def"');
      assert.equal(server.verify(forged, 'INVITE', pw).result, 'bad');
    }
    const ch = pickChallenge(server.challenges())!;
    const v = authorize(ch, { username: 'carrier', password: 'secret' }, 'INVITE', 'sip:v@10.0.0.1');
    now += 61_000;
    assert.equal(server.verify(v, 'INVITE', pw).result, 'stale');
    assert.equal(server.verify('Digest garbage', 'INVITE', pw).result, 'bad');
  });
});
