/** The SIP config schema (src/daemon/config/sip-schema.ts) and its mapping to SipStack options. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sipOptionsSchema, toSipStackOptions } from '../../src/daemon/config/sip-schema.js';
import { SipStack } from '../../src/sip/index.js';

const listen = { host: '127.0.0.1', udpPort: 0, tcpPort: 0, tlsPort: 0, tls: {} };

describe('SIP config schema', () => {
  it('fills every default from an empty section', () => {
    const c = sipOptionsSchema.parse({});
    assert.deepEqual(c.trunks, []);
    assert.equal(c.unknownPeers, 'reject');
    assert.equal(c.prack, 'supported');
    assert.deepEqual(c.sessionTimer, {
      enabled: true,
      expiresSeconds: 1800,
      minSeconds: 90,
      refreshMethod: 'UPDATE',
    });
    assert.deepEqual(c.timers, { t1Ms: 500, t2Ms: 4000, t4Ms: 5000, timerCSeconds: 180, tryingMs: 100 });
    assert.equal(c.limits.maxTransactions, 200_000);
  });

  it('validates trunks: addresses, CIDRs, unique names, bounds', () => {
    const ok = sipOptionsSchema.parse({
      trunks: [
        {
          name: 'carrier-a',
          peers: ['203.0.113.10:5060', '[2001:db8::1]:5070'],
          acl: ['203.0.113.0/24'],
          maxCps: 20,
        },
      ],
    });
    assert.equal(ok.trunks[0]!.transport, 'udp');
    assert.equal(ok.trunks[0]!.maxCps, 20);
    const bad = (trunks: unknown) => sipOptionsSchema.safeParse({ trunks }).success;
    assert.equal(bad([{ name: 'a', peers: ['1.2.3.4'], acl: ['1.2.3.0/33'] }]), false);
    assert.equal(bad([{ name: 'a', peers: ['1.2.3.4'], acl: ['example.com'] }]), false);
    assert.equal(bad([{ name: 'a', peers: [] }]), false);
    assert.equal(bad([{ name: 'a b', peers: ['1.2.3.4'] }]), false);
    assert.equal(
      bad([
        { name: 'a', peers: ['1.2.3.4'] },
        { name: 'a', peers: ['1.2.3.5'] },
      ]),
      false,
    );
    assert.equal(
      sipOptionsSchema.safeParse({ sessionTimer: { minSeconds: 30 } }).success,
      false,
      'Min-SE ≥ 90 (RFC 4028 §4)',
    );
    assert.equal(
      sipOptionsSchema.safeParse({ timers: { tryingMs: 300 } }).success,
      false,
      '100 Trying within 200 ms',
    );
  });

  it('maps to SipStack options that start a working stack', async () => {
    const c = sipOptionsSchema.parse({
      trunks: [{ name: 'carrier-a', peers: ['127.0.0.1:5999'], keepalive: { intervalSeconds: 0 } }],
      timers: { timerCSeconds: 60 },
    });
    const opts = toSipStackOptions({ ...listen, ...c });
    assert.equal(opts.timers?.C, 60_000);
    assert.deepEqual(
      opts.listen?.map((l) => l.protocol),
      ['udp', 'tcp'],
    );
    const stack = new SipStack(opts);
    await stack.start();
    assert.equal(Object.values(stack.listeners()).filter(Boolean).length, 2);
    assert.equal(stack.trunks.get('carrier-a')!.peers[0]!.port, 5999);
    await stack.stop();
  });
});
