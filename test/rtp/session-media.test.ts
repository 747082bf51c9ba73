/** RtpSession sending and receiving media over loopback: continuity, RFC 4733 both ways, playout. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  type DigitEvent,
  RtpSession,
  type RtpSessionOptions,
  type RtpStreamConfig,
  RtpView,
  parseRtp,
  readTelephoneEvent,
  type TelephoneEvent,
} from '../../src/rtp/index.js';
import { FakeClock } from './fake-clock.js';
import { cleanupAll, onCleanup, peer, randomPool, rtp, waitFor } from './helpers.js';

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

function parsed(b: Buffer): RtpView {
  const v = new RtpView();
  assert.equal(parseRtp(v, b), 'ok');
  return v;
}

describe('RtpSession: sending', () => {
  it('keeps one SSRC and continuous sequence/timestamp when the audio source changes; marks the first packet', async () => {
    const p = await peer();
    const clock = new FakeClock();
    const s = await open({ clock, random: () => 0.5 });
    s.configure(cfg(p.port));
    const prompt = new Uint8Array(160).fill(1);
    const tts = new Uint8Array(160).fill(2);
    for (let i = 0; i < 3; i++) {
      s.sendFrame(prompt);
      clock.advance(20);
    }
    for (let i = 0; i < 3; i++) {
      s.sendFrame(tts);
      clock.advance(20);
    }
    await waitFor(() => p.received.length === 6, 'six packets');
    const v = p.received.map((b) => {
      const x = parsed(b);
      return [x.ssrc, x.sequenceNumber, x.timestamp, x.marker, x.payloadType, b[12]] as const;
    });
    const [ssrc, seq0, ts0] = v[0] as readonly [number, number, number, boolean, number, number];
    assert.equal(ssrc, s.ssrc);
    v.forEach((x, i) => {
      assert.equal(x[0], ssrc);
      assert.equal(x[1], (seq0 + i) & 0xffff);
      assert.equal(x[2], (ts0 + 160 * i) >>> 0);
      assert.equal(x[3], i === 0);
      assert.equal(x[4], 8);
      assert.equal(x[5], i < 3 ? 1 : 2);
    });
    await Promise.all([s.close(), p.close()]);
  });

  it('after a pause in ticks the timestamp follows the clock and the marker is set (RFC 3551 §4.1)', async () => {
    const p = await peer();
    const clock = new FakeClock();
    const s = await open({ clock });
    s.configure(cfg(p.port));
    s.sendFrame(new Uint8Array(160));
    clock.advance(20);
    s.sendFrame(new Uint8Array(160));
    clock.advance(1000);
    s.sendFrame(new Uint8Array(160));
    await waitFor(() => p.received.length === 3, 'three packets');
    const [a, b, c] = p.received.map(parsed) as [RtpView, RtpView, RtpView];
    assert.equal((b.timestamp - a.timestamp) >>> 0, 160);
    assert.equal((c.timestamp - b.timestamp) >>> 0, 8000);
    assert.equal(c.sequenceNumber, (b.sequenceNumber + 1) & 0xffff);
    assert.equal(c.marker, true);
    await Promise.all([s.close(), p.close()]);
  });

  it('sends nothing while sendonly/inactive or to a c=0.0.0.0 hold, but time moves on', async () => {
    const p = await peer();
    const clock = new FakeClock();
    const s = await open({ clock });
    s.configure(cfg(p.port, { send: false }));
    assert.equal(s.sendFrame(new Uint8Array(160)), false);
    s.configure(cfg(p.port, { remoteAddress: undefined }));
    clock.advance(20);
    assert.equal(s.sendFrame(new Uint8Array(160)), false);
    s.configure(cfg(p.port));
    clock.advance(20);
    assert.equal(s.sendFrame(new Uint8Array(160)), true);
    await waitFor(() => p.received.length === 1, 'resumed');
    assert.equal(s.getStats().sent.packets, 1);
    await Promise.all([s.close(), p.close()]);
  });

  it('RFC 4733 digits replace audio, share its sequence numbers and carry the negotiated PT', async () => {
    const p = await peer();
    const clock = new FakeClock();
    const s = await open({ clock, dtmf: { durationMs: 60, gapMs: 40, volume: 7 } });
    s.configure(cfg(p.port, { telephoneEvent: { sendPayloadType: 96, recvPayloadType: 101 } }));
    assert.equal(s.sendDigits('1#'), 2);
    const audio = new Uint8Array(160).fill(0x55);
    for (let i = 0; i < 20; i++) {
      s.sendFrame(audio);
      clock.advance(20);
    }
    await waitFor(() => p.received.length === 20, '20 packets, one per tick');
    const te: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
    const rows = p.received.map((b) => {
      const v = parsed(b);
      if (v.payloadType === 8) return `a${v.sequenceNumber}`;
      assert.ok(readTelephoneEvent(b, v.payloadOffset, v.payloadLength, te));
      return `${te.event}${te.end ? 'E' : ''}${v.marker ? 'M' : ''}@${v.timestamp}/${te.duration}/v${te.volume}#${v.sequenceNumber}`;
    });
    const seqs = p.received.map((b) => parsed(b).sequenceNumber);
    seqs.forEach((x, i) => assert.equal(x, ((seqs[0] as number) + i) & 0xffff));
    const first = parsed(p.received[0] as Buffer);
    const t0 = first.timestamp;
    const ev = rows.filter((r) => !r.startsWith('a')).map((r) => r.replace(/#\d+$/, ''));
    assert.deepEqual(ev, [
      `1M@${t0}/160/v7`,
      `1@${t0}/320/v7`,
      `1E@${t0}/480/v7`,
      `1E@${t0}/480/v7`,
      `1E@${t0}/480/v7`,
      `11M@${t0 + 160 * 7}/160/v7`,
      `11@${t0 + 160 * 7}/320/v7`,
      `11E@${t0 + 160 * 7}/480/v7`,
      `11E@${t0 + 160 * 7}/480/v7`,
      `11E@${t0 + 160 * 7}/480/v7`,
    ]);
    assert.ok(
      rows.slice(13).every((r) => r.startsWith('a')),
      'audio after the digits',
    );
    assert.equal(s.getStats().sent.digits, 2);
    await Promise.all([s.close(), p.close()]);
  });

  it('sendDigits without telephone-event negotiated is a coded result', async () => {
    const s = await open();
    s.configure(cfg(9, { telephoneEvent: undefined }));
    assert.equal(s.sendDigits('1'), 'not-negotiated');
    await s.close();
  });
});

describe('RtpSession: receiving', () => {
  it('two sessions back to back: digits sent by one arrive once each at the other', async () => {
    const clock = new FakeClock();
    const digits: DigitEvent[] = [];
    const a = await open({ clock });
    const b = await open({ clock }, { onDigit: (d: DigitEvent) => void digits.push(d) });
    a.configure(cfg(b.port));
    b.configure(cfg(a.port));
    a.sendDigits('0123456789*#');
    for (let i = 0; i < 12 * 10 + 5; i++) {
      a.sendFrame(new Uint8Array(160));
      clock.advance(20);
      if (i % 10 === 0) await waitFor(() => b.getStats().received.packets >= i + 1, 'delivery');
    }
    await waitFor(() => digits.length === 12, 'twelve digits');
    assert.equal(digits.map((d) => d.digit).join(''), '0123456789*#');
    assert.ok(digits.every((d) => d.durationMs === 100 && d.ended === 'end'));
    assert.equal(b.getStats().received.digits, 12);
    await Promise.all([a.close(), b.close()]);
  });

  it('the SIPp RFC 2833 capture "5" over UDP gives one digit; a lost end packet is recovered by the timeout', async () => {
    const p = await peer();
    const clock = new FakeClock();
    const digits: DigitEvent[] = [];
    const s = await open(
      { clock, sourceFilter: 'fixed', dtmf: { timeoutMs: 300 } },
      { onDigit: (d: DigitEvent) => void digits.push(d) },
    );
    s.configure(cfg(p.port));
    const payloads = ['050a0000', '050a0140', '050a0280', '050a03c0'];
    payloads.forEach((hex, i) =>
      p.send(
        rtp({
          payloadType: 101,
          sequenceNumber: 100 + i,
          timestamp: 8000,
          marker: i === 0,
          payload: Buffer.from(hex, 'hex'),
        }),
        s.port,
      ),
    );
    await waitFor(() => s.getStats().received.packets === 4, 'four event packets');
    assert.equal(digits.length, 0);
    clock.advance(299);
    assert.equal(digits.length, 0);
    clock.advance(1);
    assert.deepEqual(
      digits.map((d) => [d.digit, d.ended]),
      [['5', 'timeout']],
    );
    await Promise.all([s.close(), p.close()]);
  });

  it('audio goes through the jitter buffer to pop() in order; onAudio sees every packet without copying', async () => {
    const p = await peer();
    const seen: number[] = [];
    const s = await open(
      { sourceFilter: 'fixed', jitterBuffer: { initialDelayMs: 60 } },
      {
        onAudio: (a: { sequenceNumber: number; buffer: Uint8Array; offset: number; length: number }) =>
          void seen.push(a.sequenceNumber, a.length),
      },
    );
    s.configure(cfg(p.port));
    for (const seq of [10, 12, 11])
      p.send(
        rtp({ sequenceNumber: seq, timestamp: seq * 160, payload: new Uint8Array(160).fill(seq) }),
        s.port,
      );
    await waitFor(() => seen.length === 6, 'three packets');
    assert.deepEqual(seen, [10, 160, 12, 160, 11, 160]);
    const out: number[] = [];
    for (let i = 0; i < 3; i++) {
      const f = s.pop();
      assert.equal(f?.kind, 'frame');
      out.push((f?.buffer as Uint8Array)[f?.offset as number] as number);
    }
    assert.deepEqual(out, [10, 11, 12]);
    await Promise.all([s.close(), p.close()]);
  });

  it('reports jitter and loss of what it receives', async () => {
    const p = await peer();
    const s = await open({ sourceFilter: 'fixed' });
    s.configure(cfg(p.port));
    for (let seq = 0; seq < 50; seq++)
      if (seq % 10 !== 3) p.send(rtp({ sequenceNumber: seq, timestamp: seq * 160 }), s.port);
    await waitFor(() => s.getStats().received.packets === 45, '45 packets');
    const st = s.getStats();
    assert.equal(st.received.expected, 50);
    assert.equal(st.received.lost, 5);
    assert.ok(st.received.jitterMs > 0, 'loopback bursts are jitter against 20 ms timestamps');
    assert.ok(st.mos < 4.5 && st.rFactor < 93.2);
    await Promise.all([s.close(), p.close()]);
  });
});
