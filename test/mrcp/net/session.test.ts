/**
 * Sessions over real sockets: shared TCP connections with many channels, re-INVITE adding and
 * removing a resource, BYE from either side, an abrupt TCP close, a server that never answers
 * the INVITE or a request, and failover to the next server of the pool.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, test } from 'node:test';
import { MrcpClient, MrcpClientError, type MrcpSpeechSession } from '../../../src/mrcp/index.js';
import { PortPool } from '../../../src/rtp/index.js';
import { blackHole, startFakeServer } from './fake-server.js';
import { CountingClock, startPair, until, type Pair } from './net-helpers.js';

async function rejects(p: Promise<unknown>, code: string): Promise<MrcpClientError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof MrcpClientError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('sessions, connections and re-INVITEs', () => {
  const pairs: Pair[] = [];
  after(async () => {
    for (const p of pairs) await p.close();
  });

  test('many sessions share one TCP connection; every channel answers on it', async () => {
    const p = await startPair({ rtpBase: 44000 });
    pairs.push(p);
    const first = await p.client.openSession({ resources: ['speechsynth', 'speechrecog'] });
    assert.equal(p.client.connectionCount, 1, 'both channels of a session share a connection');
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        p.client.openSession({ resources: ['speechsynth', 'speechrecog'], callId: `c${i}` }),
      ),
    );
    assert.equal(p.client.connectionCount, 1);
    assert.equal(p.server.connectionCount, 1);
    assert.equal(p.server.counters.channelsActive, 42);
    const results = await Promise.all(
      many.map(async (s) => {
        const speak = s.speak('shared');
        const params = await s.setParams('speechrecog', { 'Confidence-Threshold': '0.7' });
        return [(await speak.done).cause, params.statusCode];
      }),
    );
    assert.ok(results.every(([cause, st]) => cause === 'normal' && st === 200));
    for (const s of [first, ...many]) s.close();
    await until(() => p.server.sessionCount === 0, 3000, 'sessions closed');
    assert.equal(p.server.counters.channelsActive, 0);
    assert.equal(p.server.counters.sessionsActive, 0);
  });

  test('re-INVITE adds a resource on the same connection, and removes one (port 0)', async () => {
    const p = await startPair({ rtpBase: 44800 });
    pairs.push(p);
    const s = await p.client.openSession({ resources: ['speechsynth'] });
    await s.addResource('speechrecog');
    assert.deepEqual(s.resources.sort(), ['speechrecog', 'speechsynth']);
    assert.equal(p.server.counters.channelsActive, 2);
    assert.equal(p.client.connectionCount, 1);
    const h = s.recognize({ uris: ['builtin:dtmf/digits?length=2'] });
    s.sendDigits('42');
    assert.equal((await h.done).result?.interpretations[0]?.instance, '42');
    assert.equal((await s.speak('still here').done).cause, 'normal');
    await s.removeResource('speechsynth');
    assert.deepEqual(s.resources, ['speechrecog']);
    assert.equal(p.server.counters.channelsActive, 1);
    assert.throws(
      () => s.speak('gone'),
      (e: unknown) => e instanceof MrcpClientError && e.code === 'unknown-resource',
    );
    assert.equal((await s.setParams('speechrecog', { 'No-Input-Timeout': '100' })).statusCode, 200);
    s.close();
    await until(() => p.server.sessionCount === 0);
  });

  test('BYE from the server (shutdown) ends the client session and rejects what is pending', async () => {
    const p = await startPair({ rtpBase: 45600 });
    const s = await p.client.openSession({ resources: ['speechrecog'] });
    let closed: string | undefined;
    s.events.onClosed = (r) => (closed = r);
    const h = s.recognize({ uris: ['builtin:dtmf/digits?length=4'] });
    await h.response;
    await p.server.stop();
    await until(() => closed !== undefined, 3000, 'client session closed');
    assert.match(closed ?? '', /remote-bye|connection/);
    await rejects(h.done, 'closed');
    assert.equal(p.clientPool.inUse, 0);
    await p.client.stop();
  });

  test('an abrupt TCP close ends only the sessions on that connection', async () => {
    const p = await startPair({ rtpBase: 46400 });
    pairs.push(p);
    const other = new MrcpClient({
      pools: [{ name: 'default', servers: [{ name: 'ours', sip: `127.0.0.1:${p.server.sipPort('UDP')}` }] }],
      sip: { host: '127.0.0.1', protocols: ['udp'] },
      rtp: { pool: new PortPool({ min: 47200, max: 47299 }), host: '127.0.0.1' },
    });
    await other.start();
    try {
      const victim = await other.openSession({ resources: ['speechsynth'] });
      const bystander = await p.client.openSession({ resources: ['speechsynth'] });
      assert.equal(p.server.connectionCount, 2);
      let closed: string | undefined;
      victim.events.onClosed = (r) => (closed = r);
      const speaking = victim.speak('x'.repeat(100));
      await speaking.response;
      // The victim's host "crashes": its SIP sends nothing any more and its TCP connection is
      // reset (RST, no FIN).
      for (const t of other.sip.transport.transports) (t as { send: unknown }).send = () => undefined;
      const pool = (
        other as unknown as {
          connections: { open: Map<string, Set<{ socket: { resetAndDestroy(): void } }>> };
        }
      ).connections;
      for (const set of pool.open.values()) for (const c of set) c.socket.resetAndDestroy();
      await until(() => closed !== undefined, 3000, 'victim closed');
      await rejects(speaking.done, 'closed');
      await until(() => p.server.sessionCount === 1, 3000, 'server ended the victim session');
      assert.equal(p.server.counters.sessionsClosed['connection-lost'], 1);
      assert.equal((await bystander.speak('still fine').done).cause, 'normal');
      bystander.close();
    } finally {
      await other.stop();
    }
  });

  test('a server that never answers the INVITE: CANCEL, failover to the next server, counted', async () => {
    const hole = await blackHole();
    const p = await startPair({
      rtpBase: 48000,
      before: [{ name: 'hole', sip: `127.0.0.1:${hole.port}` }],
      client: { timeouts: { inviteMs: 300 } },
    });
    pairs.push(p);
    try {
      const t0 = Date.now();
      const s = await p.client.openSession({ resources: ['speechsynth'] });
      assert.ok(Date.now() - t0 >= 290);
      assert.equal(s.server, 'default/ours');
      assert.equal(p.client.counters.failovers, 1);
      assert.equal(p.client.counters.timeouts.invite, 1);
      assert.ok(hole.received >= 1);
      // The failed server is tried last for a while: the next session goes straight to ours.
      const s2 = await p.client.openSession({ resources: ['speechsynth'] });
      assert.equal(s2.server, 'default/ours');
      assert.equal(p.client.counters.timeouts.invite, 1, 'no second INVITE timeout');
      assert.equal(p.client.counters.failovers, 1, 'no second failover');
      s.close();
      s2.close();
    } finally {
      await hole.close();
    }
  });

  test('no server answers: no-server with each attempt, and nothing is left allocated', async () => {
    const hole = await blackHole();
    const clock = new CountingClock();
    const pool = new PortPool({ min: 48800, max: 48899 });
    const c = new MrcpClient({
      pools: [{ name: 'p', servers: [{ name: 'hole', sip: `127.0.0.1:${hole.port}` }] }],
      sip: { host: '127.0.0.1', protocols: ['udp'] },
      rtp: { pool, host: '127.0.0.1', clock: clock.rtp },
      timeouts: { inviteMs: 200 },
      clock,
    });
    await c.start();
    try {
      const e = await rejects(c.openSession({ resources: ['speechrecog'] }), 'no-server');
      assert.deepEqual(
        e.attempts.map((a) => a.code),
        ['invite-timeout'],
      );
      await until(() => pool.inUse === 0, 1000, 'RTP ports released');
      assert.equal(c.sessionCount, 0);
      assert.equal(c.connectionCount, 0);
      assert.equal(clock.pending, 0, 'no MRCP or RTP timer left');
    } finally {
      await c.stop();
      await hole.close();
    }
  });

  test('a server that accepts TCP but never answers a request: response-timeout, clean teardown', async () => {
    const fake = await startFakeServer('silent');
    const clock = new CountingClock();
    const pool = new PortPool({ min: 49000, max: 49099 });
    const c = new MrcpClient({
      pools: [{ name: 'p', servers: [{ name: 'mute', sip: `127.0.0.1:${fake.sipPort}` }] }],
      sip: { host: '127.0.0.1', protocols: ['udp'] },
      rtp: { pool, host: '127.0.0.1', clock: clock.rtp },
      timeouts: { responseMs: 300 },
      limits: { connectionLingerMs: 0 },
      clock,
    });
    await c.start();
    try {
      const s = await c.openSession({ resources: ['speechsynth', 'speechrecog'] });
      let closed: string | undefined;
      s.events.onClosed = (r) => (closed = r);
      const speak = s.speak('anyone there?');
      await rejects(speak.response, 'response-timeout');
      await rejects(speak.done, 'response-timeout');
      assert.match(closed ?? '', /response-timeout/);
      assert.equal(c.counters.timeouts.response, 1);
      await until(() => fake.byes === 1, 2000, 'BYE at the server');
      await until(
        () => pool.inUse === 0 && c.connectionCount === 0 && c.sessionCount === 0,
        2000,
        'released',
      );
      assert.equal(clock.pending, 0, 'no MRCP or RTP timer left');
    } finally {
      await c.stop();
      await fake.close();
    }
  });

  test('a server that never completes a SPEAK: completion-timeout tears the session down', async () => {
    const fake = await startFakeServer('in-progress');
    const c = new MrcpClient({
      pools: [{ name: 'p', servers: [{ name: 'stuck', sip: `127.0.0.1:${fake.sipPort}` }] }],
      sip: { host: '127.0.0.1', protocols: ['udp'] },
      rtp: { pool: new PortPool({ min: 49200, max: 49299 }), host: '127.0.0.1' },
    });
    await c.start();
    try {
      const s = await c.openSession({ resources: ['speechsynth'] });
      const speak = s.speak('forever', { completionMs: 300 });
      assert.equal((await speak.response).requestState, 'IN-PROGRESS');
      await rejects(speak.done, 'completion-timeout');
      assert.equal(s.isClosed, true);
      assert.equal(c.counters.timeouts.completion, 1);
      await until(() => fake.byes === 1, 2000, 'BYE at the server');
    } finally {
      await c.stop();
      await fake.close();
    }
  });

  test('failover when the TCP connection cannot be opened', async () => {
    const fake = await startFakeServer('no-tcp');
    const p = await startPair({
      rtpBase: 49400,
      before: [{ name: 'notcp', sip: `127.0.0.1:${fake.sipPort}` }],
    });
    pairs.push(p);
    try {
      const s: MrcpSpeechSession = await p.client.openSession({ resources: ['speechsynth'] });
      assert.equal(s.server, 'default/ours');
      assert.equal(p.client.counters.setupFailures['connect-failed'], 1);
      await until(() => fake.byes === 1, 2000, 'BYE to the failed server');
      s.close();
    } finally {
      await fake.close();
    }
  });

  test('SIP over TCP towards a server, per the server entry', async () => {
    const p = await startPair({
      rtpBase: 60000,
      server: { sip: { listen: [{ protocol: 'tcp', host: '127.0.0.1', port: 0 }] } },
      client: { sip: { protocols: ['tcp'] } },
      entry: { transport: 'tcp' },
      lateEntry: (server) => ({ sip: `127.0.0.1:${server.sipPort('TCP')}` }),
    });
    pairs.push(p);
    const s = await p.client.openSession({ resources: ['speechrecog'] });
    assert.equal((await s.setParams('speechrecog', { 'No-Input-Timeout': '1000' })).statusCode, 200);
    s.close();
    await until(() => p.server.sessionCount === 0);
  });

  test('bounded connections: an idle one is closed; channels per connection are capped (405, counted)', async () => {
    const p = await startPair({ rtpBase: 60800, server: { mrcp: { idleTimeoutMs: 200, maxChannels: 1 } } });
    pairs.push(p);
    const raw = connect({ host: '127.0.0.1', port: p.server.mrcpPort });
    let closedAt = 0;
    const t0 = Date.now();
    raw.on('close', () => (closedAt = Date.now()));
    raw.on('error', () => undefined);
    await until(() => closedAt > 0, 2000, 'idle connection closed');
    assert.ok(closedAt - t0 >= 150, `closed after ${closedAt - t0} ms`);
    const s = await p.client.openSession({ resources: ['speechsynth', 'speechrecog'] });
    assert.equal((await s.setParams('speechsynth', { 'Voice-Gender': 'male' })).statusCode, 200);
    assert.equal((await s.setParams('speechrecog', { 'No-Input-Timeout': '1000' })).statusCode, 405);
    assert.equal(p.server.counters.dropped['channel-limit'], 1);
    s.close();
  });
});
