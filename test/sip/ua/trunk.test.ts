/** Trunks: ACL (403 / drop / challenge), digest UAC and UAS, CPS and concurrency limits, keepalive, REGISTER. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Acl,
  createResponse,
  MemoryNetwork,
  parseMessage,
  serializeMessage,
  SipStack,
  SipStackError,
  type RegistrationState,
  type Session,
  type SipRequest,
} from '../../../src/sip/index.js';
import { FakeClock } from '../fake-clock.js';
import { options } from '../helpers.js';
import { ladder, pair, SDP_A, SDP_B, trunk } from './harness.js';

describe('ACLs', () => {
  it('match IPv4 and IPv6 CIDR blocks, and IPv4-mapped IPv6 sources', () => {
    const acl = new Acl(['192.0.2.0/24', '2001:db8::/32', '198.51.100.7']);
    assert.ok(acl.has('192.0.2.200'));
    assert.ok(acl.has('::ffff:192.0.2.9'));
    assert.ok(!acl.has('192.0.3.1'));
    assert.ok(acl.has('2001:db8:1::5'));
    assert.ok(!acl.has('2001:db9::1'));
    assert.ok(acl.has('198.51.100.7'));
    assert.ok(!acl.has('198.51.100.8'));
    assert.throws(() => new Acl(['10.0.0.0/33']), /prefix/);
    assert.throws(() => new Acl(['example.com']), /not an IP/);
  });
});

describe('trunks', () => {
  it('answers 403 to requests from outside every ACL, bounded per second, and counts them', async () => {
    const p = await pair({}, { trunks: [trunk('other', '10.0.0.99:5060')], rejectRate: 5 });
    const call = p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    let status = 0;
    call.delegate.onFailed = (r) => (status = r?.status ?? 0);
    p.run(10);
    assert.equal(status, 403);
    for (let i = 0; i < 20; i++)
      p.net.inject(
        options('10.0.0.1', 5060, '', `flood${i}`),
        { address: '10.0.0.1', port: 5060 },
        { address: '10.0.0.2', port: 5060 },
      );
    p.run(10);
    assert.equal(p.b.counters.aclRejected, 5);
    assert.equal(p.b.counters.aclDropped, 16);
  });

  it('drops unknown sources unparsed in drop mode', async () => {
    const p = await pair({}, { trunks: [trunk('other', '10.0.0.99:5060')], unknownPeers: 'drop' });
    p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    p.run(10);
    assert.deepEqual(ladder(p), ['A INVITE']);
    assert.equal(p.b.counters.aclDropped, 1);
    assert.equal(p.b.counters.messagesReceived, 1);
  });

  it('challenges unknown peers (UAS digest) and the caller answers with its credentials (UAC digest)', async () => {
    const creds = { username: 'carrier-a', password: 's3cret' };
    const p = await pair(
      { trunks: [trunk('to-b', '10.0.0.2:5060', { auth: creds })] },
      { trunks: [trunk('a', '10.0.0.99:5060', { inboundAuth: creds })], unknownPeers: 'challenge' },
    );
    let trunkName = '';
    p.b.delegate.onInvite = (c) => {
      trunkName = c.trunk ?? '';
      c.accept({ body: SDP_B });
    };
    let ok = false;
    p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A }).delegate.onAccepted = () => (ok = true);
    p.run(20);
    assert.ok(ok);
    assert.equal(trunkName, 'a');
    assert.deepEqual(ladder(p), ['A INVITE', 'B 401 INVITE', 'A ACK', 'A INVITE', 'B 200 INVITE', 'A ACK']);
    const second = p.wire()[3]!.msg;
    assert.match(second.headers.get('authorization')!, /algorithm=SHA-256/);
    assert.equal(p.b.counters.authChallenges, 1);
  });

  it('refuses a wrong password with 403 after the challenge', async () => {
    const p = await pair(
      { trunks: [trunk('to-b', '10.0.0.2:5060', { auth: { username: 'carrier-a', password: 'wrong' } })] },
      {
        trunks: [trunk('a', '10.0.0.99:5060', { inboundAuth: { username: 'carrier-a', password: 'right' } })],
        unknownPeers: 'challenge',
      },
    );
    let status = 0;
    p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A }).delegate.onFailed = (r) =>
      (status = r?.status ?? 0);
    p.run(20);
    assert.equal(status, 403);
    assert.equal(p.b.counters.authFailures, 1);
  });

  it('limits concurrent calls and calls per second with 503, in both directions', async () => {
    const p = await pair(
      {},
      { trunks: [trunk('to-a', '10.0.0.1:5060', { maxConcurrentCalls: 2, maxCps: 3 })] },
    );
    p.b.delegate.onInvite = (c) => c.accept({ body: SDP_B });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const c = p.a.invite({ trunk: 'to-b', to: `${i}`, body: SDP_A });
      c.delegate.onAccepted = () => statuses.push(200);
      c.delegate.onFailed = (r) => statuses.push(r?.status ?? 0);
    }
    p.run(10);
    assert.deepEqual(statuses, [200, 200, 503, 503]);
    assert.equal(p.b.counters.rateLimited, 2);
    const q = await pair({ trunks: [trunk('to-b', '10.0.0.2:5060', { maxCps: 2 })] });
    q.a.invite({ trunk: 'to-b', to: '1' });
    q.a.invite({ trunk: 'to-b', to: '2' });
    assert.throws(
      () => q.a.invite({ trunk: 'to-b', to: '3' }),
      (e: unknown) => e instanceof SipStackError && e.code === 'trunk_limit',
    );
    q.run(1000);
    q.a.invite({ trunk: 'to-b', to: '4' });
  });

  it('keepalive marks a trunk up on answers and down after consecutive failures', async () => {
    const p = await pair({
      trunks: [trunk('to-b', '10.0.0.2:5060', { keepalive: { intervalSeconds: 10, downAfter: 2 } })],
    });
    const events: string[] = [];
    p.a.delegate.onTrunkStatus = (t, up) => events.push(`${t} ${up ? 'up' : 'down'}`);
    p.run(25_000);
    assert.equal(p.a.trunks.get('to-b')!.up, true);
    assert.equal(ladder(p).filter((l) => l === 'A OPTIONS').length, 3);
    assert.equal(ladder(p).filter((l) => l === 'B 200 OPTIONS').length, 3);
    await p.b.stop();
    p.run(80_000);
    assert.deepEqual(events, ['to-b down']);
    assert.equal(p.a.trunks.get('to-b')!.up, false);
    assert.match(p.a.summary(), /trunks=0\/1/);
  });

  it('registers with a challenge, refreshes before expiry and unregisters on stop', async () => {
    const clock = new FakeClock();
    const net = new MemoryNetwork({ schedule: (fn) => clock.setTimeout(fn, 0) });
    const a = new SipStack({
      transports: [net.transport('10.0.0.1', 5060)],
      clock,
      trunks: [
        trunk('reg', '10.0.0.5:5060', {
          register: { expiresSeconds: 600 },
          auth: { username: 'acct', password: 'pw' },
          domain: 'carrier.example',
        }),
      ],
    });
    const registrar = net.transport('10.0.0.5', 5060);
    const seen: Array<{ at: number; req: SipRequest }> = [];
    await registrar.start({
      onMessage: (d) => {
        const m = parseMessage(d);
        if (m.kind !== 'request') return;
        seen.push({ at: clock.now(), req: m });
        const auth = m.headers.get('authorization');
        const res = auth
          ? createResponse(m, 200, {
              toTag: 'r',
              headers: [['Contact', `${m.headers.get('contact')};expires=300`]],
            })
          : createResponse(m, 401, {
              toTag: 'r',
              headers: [
                [
                  'WWW-Authenticate',
                  'Digest realm="carrier.example", nonce="abc", qop="auth", algorithm=MD5',
                ],
              ],
            });
        registrar.send(serializeMessage(res), { address: '10.0.0.1', port: 5060 });
      },
    });
    const states: RegistrationState[] = [];
    a.delegate.onRegistrationState = (_t, s) => states.push(s);
    await a.start();
    clock.advance(10);
    assert.equal(a.registration('reg')!.state, 'registered');
    assert.equal(a.registration('reg')!.granted, 300);
    assert.equal(seen.length, 2);
    assert.equal(seen[0]!.req.uri, 'sip:carrier.example');
    assert.match(seen[1]!.req.headers.get('authorization')!, /username="acct"/);
    const cseqs = seen.map((s) => s.req.headers.get('cseq'));
    assert.deepEqual(cseqs, ['1 REGISTER', '2 REGISTER']);
    assert.equal(seen[0]!.req.headers.get('call-id'), seen[1]!.req.headers.get('call-id'));
    clock.advance(270_000);
    assert.equal(seen.length, 4, 'refreshed at 90 % of 300 s');
    await a.stop();
    clock.flush();
    assert.equal(seen.at(-1)!.req.headers.get('expires'), '0');
    assert.deepEqual(states.slice(0, 2), ['registering', 'registered']);
  });

  it('answers OPTIONS outside a dialog with Allow, Accept and Supported', async () => {
    const p = await pair();
    p.net.inject(
      options('10.0.0.1', 5060),
      { address: '10.0.0.1', port: 5060 },
      { address: '10.0.0.2', port: 5060 },
    );
    p.run(10);
    const r = p.wire().find((w) => w.msg.kind === 'response')!.msg;
    assert.ok(r.kind === 'response' && r.status === 200);
    assert.match(r.headers.get('allow')!, /INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE/);
    assert.equal(r.headers.get('supported'), '100rel, timer');
  });

  it('drains: new calls get 503 while the live one ends, then drain resolves', async () => {
    const p = await pair();
    let uas: Session | null = null;
    p.b.delegate.onInvite = (c) => (uas = c.accept({ body: SDP_B }));
    p.a.invite({ trunk: 'to-b', to: '1', body: SDP_A });
    p.run(10);
    let drained = false;
    void p.b.drain().then(() => (drained = true));
    let status = 0;
    p.a.invite({ trunk: 'to-b', to: '2', body: SDP_A }).delegate.onFailed = (r) => (status = r?.status ?? 0);
    p.run(10);
    assert.equal(status, 503);
    await Promise.resolve();
    assert.equal(drained, false);
    (uas as unknown as Session).bye();
    p.run(10);
    await Promise.resolve();
    assert.equal(drained, true);
  });
});

describe('transport choice', () => {
  it('sends an INVITE over the MTU by TCP to a trunk that allows it (§18.1.1)', async () => {
    const clock = new FakeClock();
    const net = new MemoryNetwork({ schedule: (fn) => clock.setTimeout(fn, 0) });
    const mk = (ip: string, peer: string, fallback: boolean) =>
      new SipStack({
        transports: [net.transport(ip, 5060, 'UDP'), net.transport(ip, 5060, 'TCP')],
        clock,
        trunks: [trunk('t', peer, { tcpFallback: fallback })],
      });
    const a = mk('10.0.0.1', '10.0.0.2:5060', true);
    const b = mk('10.0.0.2', '10.0.0.1:5060', false);
    await a.start();
    await b.start();
    let accepted = false;
    b.delegate.onInvite = (c) => c.accept({ body: SDP_B });
    const big = Buffer.concat([SDP_A, Buffer.from('a=x-pad:' + 'p'.repeat(1500) + '\r\n')]);
    a.invite({ trunk: 't', to: '1', body: big }).delegate.onAccepted = () => (accepted = true);
    a.invite({ trunk: 't', to: '2', body: SDP_A });
    clock.advance(10);
    assert.ok(accepted);
    const invites = net.log.filter((l) => l.data.subarray(0, 6).toString() === 'INVITE');
    assert.deepEqual(
      invites.map((l) => l.protocol),
      ['TCP', 'UDP'],
    );
    assert.match(invites[0]!.data.toString(), /^Via: SIP\/2\.0\/TCP /m);
  });
});

describe('digest inside a dialog', () => {
  it('answers a carrier challenging our BYE with the trunk credentials (§22.2)', async () => {
    const clock = new FakeClock();
    const net = new MemoryNetwork({ schedule: (fn) => clock.setTimeout(fn, 0) });
    const a = new SipStack({
      transports: [net.transport('10.0.0.1', 5060)],
      clock,
      trunks: [trunk('carrier', '10.0.0.9:5060', { auth: { username: 'acct', password: 'pw' } })],
    });
    await a.start();
    const carrier = net.transport('10.0.0.9', 5060);
    const seen: SipRequest[] = [];
    await carrier.start({
      onMessage: (d) => {
        const m = parseMessage(d);
        if (m.kind !== 'request') return;
        seen.push(m);
        const send = (status: number, headers: Array<[string, string]> = [], body?: Buffer) => {
          const r = createResponse(m, status, {
            toTag: 'c',
            headers: [['Contact', '<sip:c@10.0.0.9>'], ...headers],
          });
          if (body) {
            r.body = body;
            r.headers.append('Content-Type', 'application/sdp');
          }
          carrier.send(serializeMessage(r), { address: '10.0.0.1', port: 5060 });
        };
        if (m.method === 'INVITE') send(200, [], SDP_B);
        if (m.method === 'BYE') {
          if (m.headers.has('authorization')) send(200);
          else
            send(401, [['WWW-Authenticate', 'Digest realm="c", nonce="n2", qop="auth", algorithm=SHA-256']]);
        }
      },
    });
    let ended = '';
    a.invite({ trunk: 'carrier', to: '1', body: SDP_A }).delegate.onAccepted = (s) => {
      s.delegate.onTerminated = (r) => (ended = r);
      s.bye();
    };
    clock.advance(50);
    assert.equal(ended, 'local-bye');
    const byes = seen.filter((r) => r.method === 'BYE');
    assert.equal(byes.length, 2);
    assert.match(byes[1]!.headers.get('authorization')!, /username="acct".*algorithm=SHA-256/);
    assert.notEqual(byes[0]!.headers.get('cseq'), byes[1]!.headers.get('cseq'));
  });
});
