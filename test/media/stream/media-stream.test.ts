import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  alawDecode,
  alawEncode,
  ClipSource,
  FrameClock,
  PcmStreamSource,
  ulawDecode,
  ulawEncode,
  type StreamDigit,
} from '../../../src/media/index.js';
import { cleanupAll, findExact, pair, sleep, tone, waitFor } from './helpers.js';

afterEach(cleanupAll);

/** Collects what `b` receives after the first non-silent frame. */
function collector() {
  const chunks: Int16Array[] = [];
  return {
    onFrame: (f: Int16Array) => chunks.push(f.slice()),
    all(): Int16Array {
      const n = chunks.reduce((s, c) => s + c.length, 0);
      const out = new Int16Array(n);
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.length;
      }
      return out;
    },
  };
}

describe('MediaStream', () => {
  for (const [codec, enc, dec] of [
    ['PCMA', alawEncode, alawDecode],
    ['PCMU', ulawEncode, ulawDecode],
  ] as const) {
    it(`${codec}: what one stream plays arrives at the other equal after codec rounding`, async () => {
      const clock = new FrameClock();
      const rx = collector();
      const { a, b } = await pair(clock, { codec }, { codec }, { onFrame: rx.onFrame });
      const sig = tone(697, 400, 8000);
      let ended = '';
      a.play(new ClipSource({ rate: 8000, samples: sig, durationMs: 400 }), { onEnd: (w) => (ended = w) });
      await waitFor(() => ended === 'done', 'the clip played');
      await sleep(200);
      const expect = dec(enc(sig));
      const got = rx.all();
      const at = findExact(got, expect);
      assert.ok(at >= 0, 'the whole clip arrived bit-exact after G.711 rounding');
      const st = b.stats();
      assert.equal(st.codec, codec);
      assert.equal(st.concealedMs, 0);
      assert.ok(st.rtp.received.packets >= 20);
    });
  }

  it('L16/16000 carries 16 kHz audio exactly; G.722 carries a tone at its level', async () => {
    const clock = new FrameClock();
    const rx = collector();
    const { a } = await pair(
      clock,
      { codec: 'L16/16000', pt: 97 },
      { codec: 'L16/16000', pt: 97 },
      { onFrame: rx.onFrame },
      { rate: 'codec' },
      { rate: 'codec' },
    );
    assert.equal(a.rate, 16000);
    const sig = tone(3000, 300, 16000);
    let done = false;
    a.play(new ClipSource({ rate: 16000, samples: sig, durationMs: 300 }), { onEnd: () => (done = true) });
    await waitFor(() => done, 'played');
    await sleep(150);
    assert.ok(findExact(rx.all(), sig) >= 0);

    const rx2 = collector();
    const g = await pair(
      clock,
      { codec: 'G722' },
      { codec: 'G722' },
      { onFrame: rx2.onFrame },
      { rate: 16000 },
      { rate: 16000 },
    );
    let done2 = false;
    g.a.play(new ClipSource({ rate: 16000, samples: tone(1000, 400, 16000), durationMs: 400 }), {
      onEnd: () => (done2 = true),
    });
    await waitFor(() => done2, 'played');
    await sleep(150);
    const got = rx2.all();
    let peak = 0;
    for (const v of got) peak = Math.max(peak, Math.abs(v));
    assert.ok(peak > 6000 && peak < 10000, `G.722 tone peak ${peak} near 8000`);
  });

  it('re-slices 30 ms packets into 20 ms frames and resamples 8 kHz to a 16 kHz stream', async () => {
    const clock = new FrameClock();
    const rx = collector();
    const { a, b } = await pair(
      clock,
      { codec: 'PCMU', sendPtime: 30 },
      { codec: 'PCMU', recvPtime: 30 },
      { onFrame: rx.onFrame },
      {},
      { rate: 16000 },
    );
    const src = new PcmStreamSource(8000);
    src.write(tone(440, 600, 8000));
    src.end();
    let done = false;
    a.play(src, { onEnd: () => (done = true) });
    await waitFor(() => done, 'played');
    await sleep(200);
    const st = b.stats();
    assert.equal(st.rate, 16000);
    assert.equal(st.rtp.received.octets / st.rtp.received.packets, 240, '30 ms packets');
    assert.equal(a.stats().rtp.sent.octets / a.stats().rtp.sent.packets, 240);
    const got = rx.all();
    let peak = 0;
    for (const v of got) peak = Math.max(peak, Math.abs(v));
    assert.ok(peak > 7000 && peak < 9000, `peak ${peak}`);
  });

  it('reports RFC 4733 and in-band digits as one digit event each', async () => {
    const clock = new FrameClock();
    const digits: StreamDigit[] = [];
    const { a } = await pair(clock, {}, {}, { onDigit: (d) => digits.push(d) });
    let done = false;
    const r = a.sendDigits('12#', 'rfc4733', { onDone: () => (done = true) });
    assert.deepEqual(r, { ok: true, digits: 3 });
    await waitFor(() => done && digits.length === 3, 'RFC 4733 digits');
    assert.deepEqual(
      digits.map((d) => [d.digit, d.source]),
      [
        ['1', 'rfc4733'],
        ['2', 'rfc4733'],
        ['#', 'rfc4733'],
      ],
    );

    const inband: StreamDigit[] = [];
    const p = await pair(clock, { te: false }, { te: false }, { onDigit: (d) => inband.push(d) });
    assert.equal(p.a.sendDigits('1', 'rfc4733').ok, false, 'no telephone-event negotiated');
    let done2 = false;
    p.a.sendDigits('59*', 'inband', { toneMs: 80, gapMs: 80, onDone: () => (done2 = true) });
    await waitFor(() => done2 && inband.length === 3, 'in-band digits');
    assert.deepEqual(
      inband.map((d) => [d.digit, d.source]),
      [
        ['5', 'inband'],
        ['9', 'inband'],
        ['*', 'inband'],
      ],
    );
  });

  it('reports voice activity on received audio (onset, speech, hangover, silence)', async () => {
    const clock = new FrameClock();
    const states: string[] = [];
    const { a } = await pair(
      clock,
      {},
      {},
      { onVad: (st) => states.push(st) },
      {},
      { vad: { hangoverMs: 200 } },
    );
    let done = false;
    await sleep(200);
    a.play(new ClipSource({ rate: 8000, samples: tone(300, 400, 8000), durationMs: 400 }), {
      onEnd: () => (done = true),
    });
    await waitFor(() => done, 'played');
    await waitFor(() => states.at(-1) === 'silence', 'back to silence');
    assert.deepEqual(states, ['onset', 'speech', 'hangover', 'silence']);
  });

  it('plays silence when nothing plays and conceals a lost packet', async () => {
    const clock = new FrameClock();
    const { a, b } = await pair(clock);
    await sleep(300);
    const sa = a.stats();
    assert.ok(sa.rtp.sent.packets >= 10, 'silence is sent');
    assert.equal(b.stats().concealedMs, 0);
    await a.close();
    await sleep(100);
    assert.ok(b.stats().silenceMs > 0 || b.stats().concealedMs > 0);
  });
});
