/** RtpSession RTCP and timers in fake time, packets over real loopback sockets. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  type RtcpPacket,
  RtpSession,
  type RtpSessionOptions,
  type RtpStreamConfig,
  parseRtcp,
} from '../../src/rtp/index.js';
import { FakeClock, seeded } from './fake-clock.js';
import { cleanupAll, onCleanup, peer, randomPool, rtp, waitFor } from './helpers.js';

afterEach(cleanupAll);

const cfg = (port: number, over: Partial<RtpStreamConfig> = {}): RtpStreamConfig => ({
  remoteAddress: '127.0.0.1',
  remotePort: port,
  sendPayloadType: 0,
  recvPayloadType: 0,
  clockRate: 8000,
  send: true,
  recv: true,
  ...over,
});

async function open(options: Partial<RtpSessionOptions>, delegate = {}): Promise<RtpSession> {
  const r = await RtpSession.open({ pool: randomPool(), host: '127.0.0.1', ...options }, delegate);
  assert.ok(r.ok, r.ok ? '' : r.message);
  const session = r.session;
  onCleanup(() => session.close());
  return session;
}

describe('RtpSession RTCP (RFC 3550 §6)', () => {
  it('first report after the randomised half-minimum, then every [2.05, 6.16] s; SR while sending, SDES CNAME always', async () => {
    const p = await peer();
    const clock = new FakeClock();
    const s = await open({ clock, random: seeded(3), cname: 'test@vg', inactivityTimeoutMs: 0 });
    s.configure(cfg(0, { remotePort: 4000, remoteRtcpAddress: '127.0.0.1', remoteRtcpPort: p.port }));
    const times: number[] = [];
    let last = clock.now();
    const start = last;
    for (let ms = 0; ms < 60_000; ms += 20) {
      clock.advance(20);
      if (s.getStats().rtcp.sent > times.length) {
        times.push(clock.now() - last);
        last = clock.now();
      }
    }
    const c = Math.E - 1.5;
    assert.ok(
      (times[0] as number) >= (2.5 * 0.5 * 1000) / c - 20 &&
        (times[0] as number) <= (2.5 * 1.5 * 1000) / c + 20,
      `first ${times[0]}`,
    );
    for (const t of times.slice(1))
      assert.ok(t >= (5 * 0.5 * 1000) / c - 20 && t <= (5 * 1.5 * 1000) / c + 20, `interval ${t}`);
    assert.ok(times.length >= 9 && times.length <= 30, `${times.length} reports in 60 s`);
    assert.ok(clock.now() - start === 60_000);
    await waitFor(() => p.received.length === times.length, 'reports on the wire');
    const first = parseRtcp(p.received[0] as Buffer);
    assert.ok(first.ok);
    assert.deepEqual(
      first.packets.map((x) => x.type),
      ['rr', 'sdes'],
    );
    const sdes = first.packets[1] as Extract<RtcpPacket, { type: 'sdes' }>;
    assert.deepEqual(sdes.chunks[0]?.items, [{ type: 1, text: 'test@vg' }]);
    s.sendFrame(new Uint8Array(160));
    const before = p.received.length;
    clock.advance(8000);
    await waitFor(() => p.received.length > before, 'report after sending');
    const sr = parseRtcp(p.received[before] as Buffer);
    assert.ok(sr.ok && sr.packets[0]?.type === 'sr', 'SR while we sent in the last two intervals');
    if (sr.packets[0]?.type === 'sr') {
      assert.equal(sr.packets[0].ssrc, s.ssrc);
      assert.equal(sr.packets[0].packetCount, 1);
      assert.equal(sr.packets[0].octetCount, 160);
    }
  });

  it('the reduced minimum (§6.2) shortens the interval', async () => {
    const clock = new FakeClock();
    const s = await open({
      clock,
      random: () => 0.5,
      rtcp: { reducedMinimum: true, sessionKbps: 720 },
      inactivityTimeoutMs: 0,
    });
    s.configure(cfg(9));
    clock.advance(2000);
    assert.ok(s.getStats().rtcp.sent >= 3, `${s.getStats().rtcp.sent}`);
  });

  it('two sessions exchange SR/RR: each learns the round-trip time and how the other receives it', async () => {
    const clock = new FakeClock();
    const a = await open({ clock, random: seeded(1), inactivityTimeoutMs: 0 });
    const b = await open({ clock, random: seeded(2), inactivityTimeoutMs: 0 });
    a.configure(cfg(b.port));
    b.configure(cfg(a.port));
    const reports = (): number => a.getStats().rtcp.sent + b.getStats().rtcp.sent;
    const heard = (): number => a.getStats().rtcp.received + b.getStats().rtcp.received;
    for (let i = 0; i < 2000 && (a.getStats().rttMs === undefined || b.getStats().rttMs === undefined); i++) {
      a.sendFrame(new Uint8Array(160));
      b.sendFrame(new Uint8Array(160));
      const sent = reports();
      clock.advance(20);
      // Let each report cross loopback before fake time moves on, so transit takes no fake time.
      if (reports() > sent) await waitFor(() => heard() === reports(), 'reports delivered');
    }
    await waitFor(() => a.getStats().rttMs !== undefined && b.getStats().rttMs !== undefined, 'both RTTs');
    // Fake time moves only in 20 ms steps while reports cross loopback: at most one step each way.
    assert.ok((a.getStats().rttMs as number) <= 40, `${a.getStats().rttMs}`);
    assert.ok((b.getStats().rttMs as number) <= 40, `${b.getStats().rttMs}`);
    const rep = a.getStats().remoteReport;
    assert.ok(rep);
    assert.equal(rep.cumulativeLost, 0);
    assert.ok(b.getStats().rtcp.received >= 1);
  });

  it('BYE on close reaches the peer session; RTCP muxed on the RTP port works the same', async () => {
    const byes: (string | undefined)[] = [];
    const rtcps: number[] = [];
    const a = await open({ inactivityTimeoutMs: 0 });
    const b = await open(
      { inactivityTimeoutMs: 0 },
      {
        onBye: (r: string | undefined) => void byes.push(r),
        onRtcp: (p: readonly RtcpPacket[]) => void rtcps.push(p.length),
      },
    );
    a.configure(cfg(b.port, { rtcpMux: true }));
    b.configure(cfg(a.port, { rtcpMux: true }));
    assert.equal(b.rtcpPort, undefined, 'RTCP socket closed once muxed');
    a.sendFrame(new Uint8Array(160));
    await waitFor(() => b.getStats().received.packets === 1, 'audio first (latches)');
    await a.close('hangup');
    await waitFor(() => byes.length === 1, 'BYE');
    assert.deepEqual(byes, ['hangup']);
    assert.deepEqual(rtcps, [3], 'RR + SDES + BYE');
  });

  it('a malformed or stranger RTCP packet is counted and dropped', async () => {
    const p = await peer();
    const stranger = await peer();
    const s = await open({ sourceFilter: 'fixed', inactivityTimeoutMs: 0 });
    s.configure(cfg(p.port, { remoteRtcpPort: p.port }));
    p.send(Buffer.from('80c90005', 'hex'), s.rtcpPort as number);
    stranger.send(Buffer.from('80c9000100000001', 'hex'), s.rtcpPort as number);
    p.send(Buffer.from('80c9000100000001', 'hex'), s.rtcpPort as number);
    await waitFor(
      () => s.getStats().rtcp.received === 1 && s.drops.malformed === 1 && s.drops.stranger === 1,
      'counted',
    );
  });
});

describe('RtpSession media inactivity timeout', () => {
  it('fires once after the timeout without RTP or RTCP while receiving', async () => {
    const p = await peer();
    const clock = new FakeClock();
    const fired: number[] = [];
    const s = await open(
      { clock, sourceFilter: 'fixed', inactivityTimeoutMs: 30_000, rtcp: { enabled: false } },
      { onInactive: (ms: number) => void fired.push(ms) },
    );
    s.configure(cfg(p.port));
    clock.advance(20_000);
    p.send(rtp({ payloadType: 0 }), s.port);
    await waitFor(() => s.getStats().received.packets === 1, 'one packet');
    clock.advance(29_000);
    assert.deepEqual(fired, [], 'the packet at 20 s restarted the count');
    clock.advance(1_000);
    assert.deepEqual(fired, [30_000]);
    clock.advance(120_000);
    assert.equal(fired.length, 1);
  });

  it('does not fire while we do not expect media (inactive / sendonly)', async () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const s = await open(
      { clock, inactivityTimeoutMs: 5_000, rtcp: { enabled: false } },
      { onInactive: (ms: number) => void fired.push(ms) },
    );
    s.configure(cfg(9, { recv: false }));
    clock.advance(60_000);
    assert.deepEqual(fired, []);
    s.configure(cfg(9, { recv: true }));
    clock.advance(5_000);
    assert.equal(fired.length, 1);
  });

  it('close clears every timer', async () => {
    const clock = new FakeClock();
    const s = await open({ clock, inactivityTimeoutMs: 5_000 });
    s.configure(cfg(9, { telephoneEvent: { sendPayloadType: 101, recvPayloadType: 101 } }));
    assert.ok(clock.pending >= 2);
    await s.close();
    assert.equal(clock.pending, 0);
  });
});
