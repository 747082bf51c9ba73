import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  type DigitEvent,
  DtmfReceiver,
  type RtpLogger,
  type TelephoneEvent,
  readTelephoneEvent,
} from '../../src/rtp/index.js';

interface Captured {
  atMs: number;
  seq: number;
  timestamp: number;
  marker: boolean;
  pt: number;
  payload: string;
}
const captures = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/sipp-dtmf/packets.json', import.meta.url), 'utf8'),
) as Record<string, Captured[]>;

function receiver(options: { timeoutMs?: number; logger?: RtpLogger } = {}) {
  const digits: DigitEvent[] = [];
  const begins: string[] = [];
  const rx = new DtmfReceiver(
    (d) => digits.push(d),
    options,
    (_e, d) => begins.push(d),
  );
  return { rx, digits, begins };
}

const ev = (event: number, duration: number, end = false, volume = 10): TelephoneEvent => ({
  event,
  end,
  volume,
  duration,
});

describe('RFC 4733 receiver', () => {
  const expected: Record<string, string> = { star: '*', pound: '#' };
  for (const [name, packets] of Object.entries(captures)) {
    it(`SIPp capture dtmf_2833_${name}: exactly one digit "${expected[name] ?? name}"`, () => {
      const { rx, digits, begins } = receiver();
      const te: TelephoneEvent = ev(0, 0);
      for (const p of packets) {
        const b = Buffer.from(p.payload, 'hex');
        assert.ok(readTelephoneEvent(b, 0, b.length, te));
        rx.packet(p.timestamp, p.marker, te, p.atMs);
      }
      rx.poll(10_000);
      assert.equal(digits.length, 1);
      assert.equal(digits[0]?.digit, expected[name] ?? name);
      assert.equal(digits[0]?.durationMs, 280, '0x08c0 units at 8 kHz');
      assert.equal(digits[0]?.ended, 'end');
      assert.equal(digits[0]?.volume, 10);
      assert.equal(digits[0]?.timestamp, packets[0]?.timestamp);
      assert.deepEqual(begins, [expected[name] ?? name]);
    });
  }

  it('three end packets and late updates after the end give one digit', () => {
    const { rx, digits } = receiver();
    rx.packet(1000, true, ev(5, 160), 0);
    rx.packet(1000, false, ev(5, 800, true), 100);
    rx.packet(1000, false, ev(5, 800, true), 101);
    rx.packet(1000, false, ev(5, 640), 102);
    rx.packet(1000, false, ev(5, 800, true), 103);
    assert.deepEqual(
      digits.map((d) => d.digit),
      ['5'],
    );
    assert.equal(rx.state, 'ended');
  });

  it('all end packets lost: the next event (new timestamp) ends the previous one', () => {
    const { rx, digits } = receiver();
    rx.packet(1000, true, ev(1, 160), 0);
    rx.packet(1000, false, ev(1, 480), 40);
    rx.packet(3000, true, ev(2, 160), 300);
    rx.packet(3000, false, ev(2, 800, true), 400);
    assert.deepEqual(
      digits.map((d) => [d.digit, d.ended, d.durationMs]),
      [
        ['1', 'new-event', 60],
        ['2', 'end', 100],
      ],
    );
  });

  it('the same digit twice with its end packets lost is still two digits', () => {
    const { rx, digits } = receiver();
    rx.packet(1000, true, ev(7, 160), 0);
    rx.packet(1000, false, ev(7, 800), 80);
    rx.packet(2600, true, ev(7, 160), 200);
    rx.packet(2600, false, ev(7, 800, true), 280);
    assert.deepEqual(
      digits.map((d) => d.digit),
      ['7', '7'],
    );
  });

  it('all end packets lost and no next event: the timeout ends it', () => {
    const { rx, digits } = receiver({ timeoutMs: 500 });
    rx.packet(1000, true, ev(9, 160), 0);
    rx.packet(1000, false, ev(9, 320), 20);
    assert.equal(rx.deadline(), 520);
    rx.poll(519);
    assert.equal(digits.length, 0);
    rx.poll(520);
    assert.deepEqual(
      digits.map((d) => [d.digit, d.ended]),
      [['9', 'timeout']],
    );
    assert.equal(rx.deadline(), undefined);
    // Stragglers of the same event after the timeout do not make a second digit.
    rx.packet(1000, false, ev(9, 800, true), 600);
    assert.equal(digits.length, 1);
  });

  it('a long press split into 0xFFFF segments (§2.5.1.3) is one digit with the total duration', () => {
    const { rx, digits } = receiver({ timeoutMs: 5_000 });
    let t = 0;
    rx.packet(100, true, ev(0, 0), t);
    for (let d = 160; d <= 0xffff; d += 160) rx.packet(100, false, ev(0, d), (t += 20));
    rx.packet(100, false, ev(0, 0xffff), (t += 20));
    const seg2 = 100 + 0xffff;
    for (let d = 160; d <= 16000; d += 160) rx.packet(seg2, false, ev(0, d), (t += 20));
    rx.packet(seg2, false, ev(0, 16000, true), (t += 20));
    assert.equal(digits.length, 1);
    assert.equal(digits[0]?.durationMs, Math.round(((0xffff + 16000) * 1000) / 8000));
    assert.equal(digits[0]?.timestamp, 100);
  });

  it('events 0–16 map to 0–9 * # A–D and flash; others are ignored and counted', () => {
    const { rx, digits } = receiver();
    for (let e = 0; e <= 17; e++) rx.packet(1000 * (e + 1), true, ev(e, 800, true), e * 200);
    assert.equal(digits.map((d) => d.digit).join(''), '0123456789*#ABCD!');
    assert.equal(rx.unsupported, 1);
  });

  it('a packet older than the current event is ignored (reordering)', () => {
    const { rx, digits } = receiver();
    rx.packet(5000, true, ev(3, 160), 0);
    rx.packet(4000, false, ev(2, 800, true), 10);
    rx.packet(5000, false, ev(3, 800, true), 100);
    assert.deepEqual(
      digits.map((d) => d.digit),
      ['3'],
    );
  });

  it('an end packet alone (start lost) still gives the digit; duration grows with reordered updates', () => {
    const { rx, digits } = receiver();
    rx.packet(1000, false, ev(4, 960, true), 0);
    assert.deepEqual(
      digits.map((d) => [d.digit, d.durationMs]),
      [['4', 120]],
    );
  });

  it('works across the 32-bit timestamp wrap', () => {
    const { rx, digits } = receiver();
    rx.packet(0xffffff00, true, ev(1, 160), 0);
    rx.packet(0xffffff00, false, ev(1, 800, true), 100);
    rx.packet(0x00000200, true, ev(2, 160), 300);
    rx.packet(0x00000200, false, ev(2, 800, true), 400);
    assert.deepEqual(
      digits.map((d) => d.digit),
      ['1', '2'],
    );
  });

  it('logs every state transition', () => {
    const lines: string[] = [];
    const log: RtpLogger = {
      debug: (m) => void lines.push(m),
      info: () => {},
      warn: () => {},
      error: () => {},
    };
    const { rx } = receiver({ logger: log });
    rx.packet(1000, true, ev(1, 160), 0);
    rx.packet(1000, false, ev(1, 800, true), 100);
    assert.deepEqual(lines, ['rfc4733 rx: idle -> active (new event)', 'rfc4733 rx: active -> ended (end)']);
  });
});
