import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReceiveStats, compactNtpFromMs, ntpFromMs, roundTripMs } from '../../src/rtp/index.js';

describe('ReceiveStats (RFC 3550 A.1, A.3, A.8)', () => {
  it('extends the sequence number across the 16-bit wrap', () => {
    const s = new ReceiveStats(8000);
    s.reset(1);
    for (let i = 0; i < 10; i++) assert.equal(s.update((65530 + i) & 0xffff, 160), 'valid');
    assert.equal(s.extendedMax, 65536 + 3);
    assert.equal(s.expected, 10);
    assert.equal(s.lost, 0);
  });

  it('counts loss and the fraction lost per report interval', () => {
    const s = new ReceiveStats(8000);
    s.reset(1);
    for (let seq = 100; seq < 200; seq++) if (seq % 10 !== 5) s.update(seq, 160);
    assert.equal(s.expected, 100);
    assert.equal(s.lost, 10);
    const r1 = s.reportBlock(0);
    assert.equal(r1.fractionLost, Math.floor((10 * 256) / 100));
    assert.equal(r1.cumulativeLost, 10);
    assert.equal(r1.highestSeq, 199);
    for (let seq = 200; seq < 300; seq++) s.update(seq, 160);
    assert.equal(s.reportBlock(0).fractionLost, 0, 'nothing lost in the second interval');
  });

  it('duplicates make the cumulative loss negative, as A.3 allows; reordering is not loss', () => {
    const s = new ReceiveStats(8000);
    s.reset(1);
    for (const seq of [1, 2, 3, 3, 3, 5, 4, 6]) s.update(seq, 160);
    assert.equal(s.expected, 6);
    assert.equal(s.lost, -2);
  });

  it('drops a lone big jump, and resynchronises after two sequential packets (sender restart)', () => {
    const s = new ReceiveStats(8000);
    s.reset(1);
    s.update(10, 160);
    s.update(11, 160);
    assert.equal(s.update(40000, 160), 'jump');
    assert.equal(s.update(40001, 160), 'valid');
    assert.equal(s.extendedMax, 40001);
  });

  it('probation of A.1 when asked for two sequential packets', () => {
    const s = new ReceiveStats(8000, 2);
    s.reset(1);
    assert.equal(s.update(500, 160), 'probation');
    assert.equal(s.update(501, 160), 'valid');
    assert.equal(s.received, 1);
  });

  it('interarrival jitter: zero for a steady stream, J += (|D| − J)/16 otherwise', () => {
    const steady = new ReceiveStats(8000);
    steady.reset(1);
    for (let i = 0; i < 50; i++) steady.arrival(i * 160, 1000 + i * 20);
    assert.equal(steady.jitter, 0);

    const s = new ReceiveStats(8000);
    s.reset(1);
    s.arrival(0, 1000);
    s.arrival(160, 1030); // 10 ms late: D = 80 units
    assert.equal(s.jitter, 80 / 16);
    s.arrival(320, 1040); // 10 ms early relative to the previous: |D| = 80
    assert.equal(s.jitter, 5 + (80 - 5) / 16);
    assert.ok(Math.abs(s.jitterMs - s.jitter / 8) < 1e-9);
  });

  it('LSR/DLSR in report blocks, and the round trip computed from them (§6.4.1)', () => {
    const s = new ReceiveStats(8000);
    s.reset(7);
    s.update(1, 160);
    const srAt = 1_700_000_000_000;
    const ntp = ntpFromMs(srAt - 40);
    s.senderReport(ntp.seconds, ntp.fraction, srAt);
    const block = s.reportBlock(srAt + 250);
    assert.equal(block.lsr, compactNtpFromMs(srAt - 40));
    assert.equal(block.dlsr, Math.floor((250 * 65536) / 1000));
    // The SR sender gets this block back 60 ms after we sent it: RTT = 40 + 60 ms of network.
    const rtt = roundTripMs(block, compactNtpFromMs(srAt + 250 + 60));
    assert.ok(rtt !== undefined && Math.abs(rtt - 100) < 0.1, `rtt ${rtt}`);
    assert.equal(roundTripMs({ ...block, lsr: 0 }, 5), undefined);
  });
});
