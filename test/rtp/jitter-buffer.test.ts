import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JitterBuffer, type PlayoutFrame } from '../../src/rtp/index.js';

const payload = new Uint8Array(160);

/** Pushes packets `seqs` (ts = seq × 160) at arrival times, pops one frame per 20 ms tick. */
function snapshot(f: PlayoutFrame): string {
  return f.kind === 'frame' ? `f${f.sequenceNumber}` : f.kind === 'conceal' ? 'c' : '-';
}

describe('JitterBuffer (fake time)', () => {
  it('buffers to the initial depth, then plays in order', () => {
    const jb = new JitterBuffer({ initialDelayMs: 40 });
    assert.equal(snapshot(jb.pop()), '-');
    jb.push(10, 1600, true, payload, 0, 160, 0);
    assert.equal(snapshot(jb.pop()), '-', 'one frame held, target two');
    jb.push(11, 1760, false, payload, 0, 160, 20);
    assert.equal(jb.state, 'buffering');
    const f = jb.pop();
    assert.equal(jb.state, 'playing');
    assert.deepEqual(
      [f.kind, f.sequenceNumber, f.timestamp, f.marker, f.length],
      ['frame', 10, 1600, true, 160],
    );
    assert.equal(snapshot(jb.pop()), 'f11');
  });

  it('reorders, conceals a lost packet, counts late and duplicate packets', () => {
    const jb = new JitterBuffer({ initialDelayMs: 60 });
    const order = [1, 3, 2, 5, 6, 7, 8];
    order.forEach((s, i) => jb.push(s, s * 160, false, payload, 0, 160, i * 20));
    const out: string[] = [];
    for (let i = 0; i < 8; i++) out.push(snapshot(jb.pop()));
    assert.deepEqual(out.slice(0, 7), ['f1', 'f2', 'f3', 'c', 'f5', 'f6', 'f7']);
    assert.equal(jb.stats.lost, 1);
    assert.equal(jb.push(4, 640, false, payload, 0, 160, 200), 'late');
    assert.equal(jb.push(9, 1440, false, payload, 0, 160, 200), 'queued');
    assert.equal(jb.push(9, 1440, false, payload, 0, 160, 200), 'duplicate');
    assert.deepEqual([jb.stats.late, jb.stats.duplicates], [1, 1]);
  });

  it('conceal frames carry the expected timestamp (the PLC hook)', () => {
    const jb = new JitterBuffer({ initialDelayMs: 20, minDelayMs: 20 });
    jb.push(100, 16000, false, payload, 0, 160, 0);
    jb.push(102, 16320, false, payload, 0, 160, 40);
    assert.equal(snapshot(jb.pop()), 'f100');
    const c = jb.pop();
    assert.deepEqual([c.kind, c.timestamp, c.sequenceNumber], ['conceal', 16160, 101]);
  });

  it('underruns grow the target; a long silence goes back to buffering and skips the gap', () => {
    const jb = new JitterBuffer({ initialDelayMs: 20, minDelayMs: 20, maxConcealFrames: 3 });
    jb.push(1, 160, false, payload, 0, 160, 0);
    assert.equal(snapshot(jb.pop()), 'f1');
    const before = jb.target;
    const run = [0, 1, 2, 3].map(() => snapshot(jb.pop()));
    assert.deepEqual(run, ['c', 'c', 'c', '-']);
    assert.equal(jb.state, 'buffering');
    assert.ok(jb.target > before, 'target grew after the underrun');
    // The sender resumes much later (after a DTMF event or hold): play from there, no stale gap.
    for (let s = 60; s < 60 + jb.target; s++) jb.push(s, s * 160, false, payload, 0, 160, 2000 + s);
    assert.equal(snapshot(jb.pop()), 'f60');
  });

  it('adapts the target to jitter, within min and max', () => {
    const jb = new JitterBuffer({ initialDelayMs: 20, minDelayMs: 20, maxDelayMs: 200 });
    // Arrivals alternate 0 and 60 ms late.
    for (let s = 0; s < 200; s++) {
      jb.push(s, s * 160, false, payload, 0, 160, s * 20 + (s % 2) * 60);
      jb.pop();
    }
    assert.ok(jb.jitterMs > 30, `jitter ${jb.jitterMs}`);
    assert.ok(jb.target >= 6 && jb.target <= 10, `target ${jb.target}`);
    const calm = new JitterBuffer({ initialDelayMs: 20, minDelayMs: 20 });
    for (let s = 0; s < 200; s++) {
      calm.push(s, s * 160, false, payload, 0, 160, s * 20);
      calm.pop();
    }
    assert.equal(calm.target, 1);
  });

  it('shrinks a buffer that stays too deep by dropping frames', () => {
    const jb = new JitterBuffer({ initialDelayMs: 20, minDelayMs: 20, maxDelayMs: 400, capacity: 64 });
    for (let s = 0; s < 30; s++) jb.push(s, s * 160, false, payload, 0, 160, 0);
    let t = 0;
    let next = 30;
    for (let i = 0; i < 300; i++) {
      jb.push(next, next * 160, false, payload, 0, 160, t);
      next++;
      t += 20;
      jb.pop();
    }
    assert.ok(jb.stats.dropped > 0);
    assert.ok(jb.depth <= jb.target + 3, `depth ${jb.depth} target ${jb.target}`);
  });

  it('is bounded: a jump beyond capacity resets instead of growing', () => {
    const jb = new JitterBuffer({ capacity: 16 });
    jb.push(1, 160, false, payload, 0, 160, 0);
    assert.equal(jb.push(1000, 160_000, false, payload, 0, 160, 20), 'reset');
    assert.equal(jb.depth, 1);
    assert.equal(jb.stats.resets, 1);
  });

  it('wraps sequence numbers', () => {
    const jb = new JitterBuffer({ initialDelayMs: 20, minDelayMs: 20 });
    const seqs = [65534, 65535, 0, 1];
    seqs.forEach((s, i) => jb.push(s, i * 160, false, payload, 0, 160, i * 20));
    assert.deepEqual(
      [0, 1, 2, 3].map(() => snapshot(jb.pop())),
      ['f65534', 'f65535', 'f0', 'f1'],
    );
  });

  it('reset (SSRC change) drops everything', () => {
    const jb = new JitterBuffer();
    for (let s = 0; s < 5; s++) jb.push(s, s * 160, false, payload, 0, 160, 0);
    jb.reset();
    assert.equal(jb.depth, 0);
    assert.equal(snapshot(jb.pop()), '-');
  });
});
