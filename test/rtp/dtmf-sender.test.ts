import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DigitEvent, DtmfReceiver, DtmfSender, type EventPacket } from '../../src/rtp/index.js';

const fresh = (): EventPacket => ({
  marker: false,
  timestamp: 0,
  event: 0,
  end: false,
  volume: 0,
  duration: 0,
});

/** Runs `ticks` frame ticks of 160 units from timestamp `ts0`; null where audio would go. */
function run(tx: DtmfSender, ticks: number, ts0 = 8000): (EventPacket | null)[] {
  const out: (EventPacket | null)[] = [];
  for (let i = 0; i < ticks; i++) {
    const p = fresh();
    out.push(tx.tick((ts0 + i * 160) >>> 0, 160, p) ? p : null);
  }
  return out;
}

describe('RFC 4733 sender', () => {
  it('one digit: marker on the first packet, one timestamp, growing duration, end ×3, then audio', () => {
    const tx = new DtmfSender({ durationMs: 100, volume: 12 });
    assert.equal(tx.enqueue('5'), 1);
    const out = run(tx, 10);
    const events = out.filter((p): p is EventPacket => p !== null);
    assert.deepEqual(
      events.map((p) => [p.marker, p.timestamp, p.event, p.end, p.volume, p.duration]),
      [
        [true, 8000, 5, false, 12, 160],
        [false, 8000, 5, false, 12, 320],
        [false, 8000, 5, false, 12, 480],
        [false, 8000, 5, false, 12, 640],
        [false, 8000, 5, true, 12, 800],
        [false, 8000, 5, true, 12, 800],
        [false, 8000, 5, true, 12, 800],
      ],
    );
    assert.deepEqual(out.slice(7), [null, null, null], 'audio resumes after the third end packet');
    assert.equal(tx.sent, 1);
  });

  it('a gap of audio between digits; each digit its own timestamp', () => {
    const tx = new DtmfSender({ durationMs: 60, gapMs: 60 });
    tx.enqueue('12');
    const out = run(tx, 20);
    const pattern = out.map((p) => (p ? (p.end ? 'E' : p.marker ? 'M' : 'u') : '.')).join('');
    assert.equal(pattern, 'MuEEE...MuEEE.......');
    const second = out.find((p, i) => i > 5 && p?.marker);
    assert.equal(second?.timestamp, 8000 + 8 * 160);
    assert.equal(second?.event, 2);
  });

  it('long events are segmented at 0xFFFF (§2.5.1.3)', () => {
    const tx = new DtmfSender({ durationMs: 10_000 });
    tx.enqueue('0');
    const out = run(tx, 520).filter((p): p is EventPacket => p !== null);
    const cap = out.findIndex((p) => p.duration === 0xffff);
    assert.ok(cap > 0);
    assert.equal(out[cap]?.end, false);
    assert.equal(out[cap]?.timestamp, 8000);
    assert.equal(out[cap + 1]?.timestamp, 8000 + 0xffff);
    assert.equal(out[cap + 1]?.marker, false);
    const last = out[out.length - 1] as EventPacket;
    assert.equal(last.end, true);
    assert.equal(0xffff + last.duration, 80_000);
  });

  it('what it sends, a receiver reads back as the same digits', () => {
    const tx = new DtmfSender({ durationMs: 80, gapMs: 40 });
    const digits: DigitEvent[] = [];
    const rx = new DtmfReceiver((d) => digits.push(d));
    tx.enqueue('0123456789*#ABCD!');
    let t = 0;
    for (let i = 0; i < 300; i++) {
      const p = fresh();
      if (tx.tick(i * 160, 160, p)) rx.packet(p.timestamp, p.marker, p, t);
      t += 20;
    }
    assert.equal(digits.map((d) => d.digit).join(''), '0123456789*#ABCD!');
    assert.ok(digits.every((d) => d.durationMs === 80 && d.ended === 'end'));
  });

  it('refuses invalid digits and a full queue, queueing nothing', () => {
    const tx = new DtmfSender({ maxQueue: 4 });
    assert.equal(tx.enqueue('12x'), 'invalid');
    assert.equal(tx.enqueue('12345'), 'full');
    assert.equal(tx.pending, 0);
    assert.equal(tx.enqueue('ab'), 2, 'A–D in either case');
    assert.equal(tx.pending, 2);
    tx.clear();
    assert.equal(tx.pending, 0);
  });

  it('state machine: idle → sending → ending → gap → idle', () => {
    const states: string[] = [];
    const tx = new DtmfSender({
      durationMs: 40,
      gapMs: 20,
      logger: { debug: (m) => void states.push(m), info: () => {}, warn: () => {}, error: () => {} },
    });
    tx.enqueue('1');
    run(tx, 8);
    assert.deepEqual(states, [
      'rfc4733 tx: idle -> sending (digit)',
      'rfc4733 tx: sending -> ending (duration reached)',
      'rfc4733 tx: ending -> gap (end sent)',
      'rfc4733 tx: gap -> idle (gap over)',
    ]);
  });
});
