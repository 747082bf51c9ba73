import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deterministicInterval,
  estimateQuality,
  minimumInterval,
  mosFromR,
  rtcpInterval,
} from '../../src/rtp/index.js';

const base = {
  members: 2,
  senders: 2,
  rtcpBandwidth: 500,
  weSent: true,
  avgRtcpSize: 100,
  initial: false,
  minSeconds: 5,
};

describe('RTCP interval (RFC 3550 §6.2, §6.3.1, A.7)', () => {
  it('a two-party G.711 call sits on the 5 s minimum, 2.5 s before the first report', () => {
    assert.equal(deterministicInterval(base), 5);
    assert.equal(deterministicInterval({ ...base, initial: true }), 2.5);
  });

  it('large sessions scale with members and the bandwidth share of senders and receivers', () => {
    // 100 members, 2 senders (≤ 25%): a receiver shares 75% of 500 B/s among 98.
    const t = deterministicInterval({ ...base, members: 100, senders: 2, weSent: false, avgRtcpSize: 200 });
    assert.ok(Math.abs(t - (200 * 98) / 375) < 1e-9);
    const s = deterministicInterval({ ...base, members: 100, senders: 2, weSent: true, avgRtcpSize: 200 });
    assert.ok(Math.abs(s - (200 * 2) / 125) < 1e-9 || s === 5);
  });

  it('randomises over [0.5, 1.5] × Td / (e − 3/2)', () => {
    const c = Math.E - 1.5;
    assert.ok(Math.abs(rtcpInterval(base, () => 0) - (5 * 0.5) / c) < 1e-12);
    assert.ok(Math.abs(rtcpInterval(base, () => 0.999999) - (5 * 1.499999) / c) < 1e-9);
  });

  it('the reduced minimum is 360 / session kbit/s', () => {
    assert.equal(minimumInterval(80, false), 5);
    assert.equal(minimumInterval(80, true), 4.5);
    assert.equal(minimumInterval(720, true), 0.5);
  });
});

describe('E-model estimate (ITU-T G.107, simplified)', () => {
  it('a clean G.711 call is about R 93, MOS 4.4', () => {
    const q = estimateQuality({ delayMs: 20, lossPercent: 0 });
    assert.ok(q.rFactor > 92 && q.rFactor <= 93.2, `${q.rFactor}`);
    assert.ok(q.mos > 4.3 && q.mos < 4.5, `${q.mos}`);
  });

  it('loss and delay lower it; beyond 177.3 ms delay hurts faster', () => {
    const lossy = estimateQuality({ delayMs: 20, lossPercent: 5 });
    assert.ok(lossy.rFactor < 80 && lossy.rFactor > 70, `${lossy.rFactor}`);
    const slow = estimateQuality({ delayMs: 300, lossPercent: 0 });
    assert.ok(Math.abs(slow.rFactor - (93.2 - 0.024 * 300 - 0.11 * (300 - 177.3))) < 0.1);
    const worse = estimateQuality({ delayMs: 20, lossPercent: 5, bpl: 4.3 });
    assert.ok(worse.rFactor < lossy.rFactor, 'no PLC is worse');
  });

  it('MOS bounds: 1 at R ≤ 0, 4.5 at R ≥ 100', () => {
    assert.equal(mosFromR(-5), 1);
    assert.equal(mosFromR(120), 4.5);
    assert.ok(Math.abs(mosFromR(50) - (1 + 1.75 + 7e-6 * 50 * -10 * 50)) < 1e-12);
  });
});
