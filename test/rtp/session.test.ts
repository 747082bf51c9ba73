/** RtpSession over real UDP on loopback: pool, binding, source filtering, drops by cause. */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { afterEach, describe, it } from 'node:test';
import {
  PortPool,
  type ReceivedAudio,
  type RtpSessionOptions,
  RtpSession,
  type RtpStreamConfig,
  newDropCounters,
} from '../../src/rtp/index.js';
import { FakeClock } from './fake-clock.js';
import { cleanupAll, onCleanup, peer, randomPool, rtp, settle, waitFor } from './helpers.js';

const cfg = (port: number, over: Partial<RtpStreamConfig> = {}): RtpStreamConfig => ({
  remoteAddress: '127.0.0.1',
  remotePort: port,
  sendPayloadType: 8,
  recvPayloadType: 8,
  clockRate: 8000,
  telephoneEvent: { sendPayloadType: 101, recvPayloadType: 101 },
  send: true,
  recv: true,
  ...over,
});

async function open(options: Partial<RtpSessionOptions> = {}, delegate = {}): Promise<RtpSession> {
  const r = await RtpSession.open(
    { pool: randomPool(), host: '127.0.0.1', rtcp: { enabled: false }, ...options },
    delegate,
  );
  assert.ok(r.ok, r.ok ? '' : r.message);
  const session = r.session;
  onCleanup(() => session.close());
  return session;
}

afterEach(cleanupAll);

describe('RtpSession: ports', () => {
  it('binds an even RTP port and RTCP on +1 with the receive buffer asked for; close returns the port', async () => {
    const pool = randomPool(4);
    const s = await open({ pool, recvBufferSize: 512 * 1024 });
    assert.equal(s.port % 2, 0);
    assert.equal(s.rtcpPort, s.port + 1);
    assert.equal(pool.inUse, 1);
    // Linux reports double the SO_RCVBUF asked for (bookkeeping), capped by net.core.rmem_max.
    assert.ok(s.getStats().recvBufferSize >= 212_992, `${s.getStats().recvBufferSize}`);
    await s.close();
    await s.close();
    assert.equal(pool.inUse, 0);
    // The ports are really free again.
    const probe = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind(s.port, '127.0.0.1', () => resolve());
    });
    probe.close();
  });

  it('pool exhaustion is a coded result; a released pair is usable again', async () => {
    const pool = randomPool(2);
    const a = await open({ pool });
    const b = await open({ pool });
    const c = await RtpSession.open({ pool, host: '127.0.0.1' });
    assert.equal(c.ok ? '' : c.code, 'pool_exhausted');
    await a.close();
    const d = await open({ pool });
    assert.equal(pool.inUse, 2);
    await Promise.all([b.close(), d.close()]);
    assert.equal(pool.inUse, 0);
  });

  it('skips a pair another process holds, and gives up after the bound of attempts', async () => {
    const pool = randomPool(3);
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(pool.min, '127.0.0.1', () => resolve()));
    onCleanup(() => new Promise((resolve) => squatter.close(() => resolve())));
    const s = await open({ pool });
    assert.notEqual(s.port, pool.min);
    assert.equal(pool.inUse, 1);
    await s.close();
    const small = new PortPool({ min: pool.min, max: pool.min + 1 });
    const r = await RtpSession.open({ pool: small, host: '127.0.0.1', bindAttempts: 3 });
    assert.equal(r.ok ? '' : r.code, 'bind_failed');
    assert.equal(small.inUse, 0, 'failed attempts do not leak');
  });

  it('a host that is not an IP address is a coded result', async () => {
    const r = await RtpSession.open({ pool: randomPool(1), host: 'localhost' });
    assert.equal(r.ok ? '' : r.code, 'bad_host');
  });

  it('1,000 sessions opened and closed leave no port, socket or timer behind', async () => {
    const pool = randomPool(20);
    const clock = new FakeClock();
    for (let round = 0; round < 50; round++) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, () =>
          open({ pool, clock, rtcp: { enabled: true }, inactivityTimeoutMs: 60_000 }),
        ),
      );
      batch.forEach((s) => s.configure(cfg(9)));
      await Promise.all(batch.map((s) => s.close()));
    }
    assert.equal(pool.inUse, 0);
    assert.equal(pool.available, 20);
    assert.equal(clock.pending, 0, 'every RTCP and inactivity timer cleared');
  });

  it('IPv6 loopback', async () => {
    const p = await peer('::1');
    const got: number[] = [];
    const s = await open(
      { host: '::1', sourceFilter: 'fixed' },
      { onAudio: (a: ReceivedAudio) => void got.push(a.sequenceNumber) },
    );
    s.configure(cfg(p.port, { remoteAddress: '::1' }));
    p.send(rtp({ sequenceNumber: 77 }), s.port);
    await waitFor(() => got.length === 1, 'IPv6 packet');
    s.sendFrame(new Uint8Array(160));
    await waitFor(() => p.received.length === 1, 'IPv6 send');
    await Promise.all([s.close(), p.close()]);
  });
});

describe('RtpSession: source filtering (symmetric RTP, never re-targeted)', () => {
  it('latches to the first valid source within the window and answers there; a stranger is dropped and counted', async () => {
    const carrier = await peer();
    const attacker = await peer();
    const shared = newDropCounters();
    const audio: number[] = [];
    const latched: string[] = [];
    const s = await open(
      { counters: shared },
      {
        onAudio: (a: ReceivedAudio) => void audio.push(a.sequenceNumber),
        onLatched: (a: string, p: number) => void latched.push(`${a}:${p}`),
      },
    );
    // The SDP named port 9 (a NAT hides the carrier's real port).
    s.configure(cfg(9));
    carrier.send(rtp({ sequenceNumber: 1 }), s.port);
    await waitFor(() => audio.length === 1, 'first packet');
    assert.deepEqual(latched, [`127.0.0.1:${carrier.port}`]);
    attacker.send(rtp({ sequenceNumber: 2 }), s.port);
    await settle();
    carrier.send(rtp({ sequenceNumber: 3 }), s.port);
    await waitFor(() => audio.length === 2, 'carrier again');
    assert.deepEqual(audio, [1, 3]);
    assert.equal(s.drops.stranger, 1);
    assert.equal(shared.stranger, 1);
    s.sendFrame(new Uint8Array(160));
    await waitFor(() => carrier.received.length === 1, 'our packet at the latched address');
    assert.equal(attacker.received.length, 0);
    assert.deepEqual(s.getStats().remote, { address: '127.0.0.1', port: carrier.port, latched: true });
    await Promise.all([s.close(), carrier.close(), attacker.close()]);
  });

  it('an invalid first packet does not latch; the first valid one does', async () => {
    const junk = await peer();
    const carrier = await peer();
    const s = await open();
    s.configure(cfg(9));
    junk.send(Buffer.from('not rtp at all'), s.port);
    await settle();
    carrier.send(rtp({}), s.port);
    await waitFor(() => s.getStats().remote.latched, 'latch');
    assert.equal(s.getStats().remote.port, carrier.port);
    assert.equal(s.drops.malformed, 1);
    await Promise.all([s.close(), junk.close(), carrier.close()]);
  });

  it('fixed mode accepts only the negotiated address and port', async () => {
    const carrier = await peer();
    const other = await peer();
    const s = await open({ sourceFilter: 'fixed' });
    s.configure(cfg(carrier.port));
    other.send(rtp({}), s.port);
    carrier.send(rtp({}), s.port);
    await waitFor(() => s.getStats().received.packets === 1 && s.drops.stranger === 1, 'one in, one out');
    await Promise.all([s.close(), carrier.close(), other.close()]);
  });

  it('after the window without media, only the SDP address is accepted', async () => {
    const carrier = await peer();
    const late = await peer();
    const s = await open({ latchWindowMs: 30 });
    s.configure(cfg(carrier.port));
    await settle(60);
    late.send(rtp({}), s.port);
    carrier.send(rtp({}), s.port);
    await waitFor(() => s.getStats().received.packets === 1 && s.drops.stranger === 1, 'SDP source only');
    await Promise.all([s.close(), carrier.close(), late.close()]);
  });

  it('a re-INVITE with a new address re-opens the latch; a refresh with the same address does not', async () => {
    const a = await peer();
    const b = await peer();
    const s = await open();
    s.configure(cfg(a.port));
    a.send(rtp({ sequenceNumber: 1 }), s.port);
    await waitFor(() => s.getStats().remote.latched, 'latched to a');
    s.configure(cfg(a.port));
    b.send(rtp({ sequenceNumber: 2 }), s.port);
    await waitFor(() => s.drops.stranger === 1, 'b refused after a refresh');
    s.configure(cfg(b.port));
    b.send(rtp({ sequenceNumber: 3 }), s.port);
    await waitFor(() => s.getStats().remote.port === b.port && s.getStats().remote.latched, 'latched to b');
    await Promise.all([s.close(), a.close(), b.close()]);
  });
});

describe('RtpSession: drops by cause, every call goes on', () => {
  it('counts zero-length, malformed, unknown payload type, flood before negotiation and above the rate cap', async () => {
    const p = await peer();
    const shared = newDropCounters();
    const audio: number[] = [];
    const s = await open(
      { counters: shared, maxPacketsPerSecond: 50, sourceFilter: 'fixed' },
      { onAudio: (a: ReceivedAudio) => void audio.push(a.sequenceNumber) },
    );
    p.send(rtp({}), s.port);
    await waitFor(() => s.drops.flood === 1, 'flood on a port not yet negotiated');
    s.configure(cfg(p.port));
    p.send(Buffer.alloc(0), s.port);
    p.send(Buffer.from([0x80, 0x08, 0, 1]), s.port);
    p.send(rtp({}).fill(0x40, 0, 1), s.port);
    p.send(rtp({ payloadType: 18 }), s.port);
    p.send(rtp({ sequenceNumber: 10 }), s.port);
    await waitFor(() => audio.length === 1, 'the good packet still gets through');
    assert.deepEqual(
      { zero: s.drops.zeroLength, malformed: s.drops.malformed, pt: s.drops.unknownPayloadType },
      { zero: 1, malformed: 2, pt: 1 },
    );
    for (let i = 0; i < 80; i++) p.send(rtp({ sequenceNumber: 11 + i }), s.port);
    await waitFor(() => s.drops.flood >= 20, 'rate cap');
    assert.equal(shared.flood, s.drops.flood);
    assert.ok(audio.length <= 50);
    await Promise.all([s.close(), p.close()]);
  });

  it('a delegate that throws is logged, not thrown into the socket', async () => {
    const p = await peer();
    const errors: string[] = [];
    const s = await open(
      {
        sourceFilter: 'fixed',
        logger: { debug: () => {}, info: () => {}, warn: () => {}, error: (m) => void errors.push(m) },
      },
      {
        onAudio: () => {
          throw new Error('boom');
        },
      },
    );
    s.configure(cfg(p.port));
    p.send(rtp({ sequenceNumber: 1 }), s.port);
    p.send(rtp({ sequenceNumber: 2 }), s.port);
    await waitFor(() => errors.length === 2, 'two logged errors');
    assert.equal(s.getStats().received.packets, 2);
    await Promise.all([s.close(), p.close()]);
  });

  it('a remote SSRC change restarts statistics and playout and is reported', async () => {
    const p = await peer();
    const changes: [number, number][] = [];
    const s = await open(
      { sourceFilter: 'fixed' },
      { onSsrcChange: (a: number, b: number) => void changes.push([a, b]) },
    );
    s.configure(cfg(p.port));
    for (let i = 0; i < 3; i++)
      p.send(rtp({ ssrc: 111, sequenceNumber: 100 + i, timestamp: 160 * i }), s.port);
    await waitFor(() => s.getStats().received.packets === 3, 'first source');
    p.send(rtp({ ssrc: 222, sequenceNumber: 5000, timestamp: 999 }), s.port);
    await waitFor(() => changes.length === 1, 'ssrc change');
    assert.deepEqual(changes, [[111, 222]]);
    const st = s.getStats();
    assert.equal(st.remoteSsrc, 222);
    assert.equal(st.ssrcChanges, 1);
    assert.equal(st.received.expected, 1);
    assert.equal(st.jitterBuffer?.resets, 1);
    await Promise.all([s.close(), p.close()]);
  });
});
