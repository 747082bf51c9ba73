import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameClock } from '../../src/media/frame-clock.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('FrameClock', () => {
  it('ticks every 20 ms without drift and stops with its last subscriber', () => {
    const fc = new FakeClock();
    const clock = new FrameClock(fc);
    const ticks: [number, number][] = [];
    const off = clock.subscribe((t) => ticks.push([t, fc.now()]));
    fc.advance(1000);
    assert.equal(ticks.length, 50);
    ticks.forEach(([t, at], i) => {
      assert.equal(t, i + 1);
      assert.equal(at, (i + 1) * 20);
    });
    off();
    assert.equal(clock.running, false);
    assert.equal(fc.pending, 0, 'no timer left behind');
  });

  it('absorbs a late timer without shifting later ticks', () => {
    const fc = new FakeClock();
    const clock = new FrameClock(fc);
    const at: number[] = [];
    clock.subscribe(() => at.push(fc.now()));
    fc.advance(20);
    fc.stall(27); // tick 2 (due at 40) fires 7 ms late, at 47
    fc.advance(33);
    assert.deepEqual(at, [20, 47, 60, 80]);
    assert.equal(clock.stats.maxLateMs, 7);
    clock.stop();
  });

  it('catches up a few missed ticks after a stall and skips the rest', () => {
    const fc = new FakeClock();
    const clock = new FrameClock(fc, 20, 3);
    const ticks: number[] = [];
    clock.subscribe((t) => ticks.push(t));
    fc.advance(20);
    fc.stall(200); // ten periods of stall
    fc.advance(0);
    fc.advance(20);
    assert.equal(clock.stats.skippedTicks > 0, true);
    assert.ok(ticks.length <= 1 + 3 + 2, `ran ${ticks.length}`);
    assert.ok(ticks[ticks.length - 1]! >= 11, 'tick numbers follow real time');
    for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i]! > ticks[i - 1]!);
    clock.stop();
  });

  it('keeps ticking the others when one subscriber throws', () => {
    const fc = new FakeClock();
    const errors: unknown[] = [];
    const clock = new FrameClock(fc, 20, 3, (e) => errors.push(e));
    let good = 0;
    clock.subscribe(() => {
      throw new Error('bad');
    });
    clock.subscribe(() => good++);
    fc.advance(100);
    assert.equal(good, 5);
    assert.equal(errors.length, 5);
    assert.equal(clock.stats.subscriberErrors, 5);
    clock.stop();
  });

  it('runs on the real clock with bounded lateness', async () => {
    const clock = new FrameClock();
    let n = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const off = clock.subscribe(() => {
        if (++n === 10) {
          off();
          resolve();
        }
      });
    });
    const took = performance.now() - t0;
    assert.ok(took >= 195, `10 ticks took ${took} ms`);
    assert.equal(clock.running, false);
  });
});

describe('FrameClock restart', () => {
  it('restarts on time after its subscribers left and came back (tick numbers continue)', () => {
    const fc = new FakeClock();
    const clock = new FrameClock(fc);
    const off = clock.subscribe(() => undefined);
    fc.advance(1000);
    off();
    fc.advance(5000);
    const at: [number, number][] = [];
    clock.subscribe((t) => at.push([t, fc.now()]));
    fc.advance(60);
    assert.deepEqual(at, [
      [51, 6020],
      [52, 6040],
      [53, 6060],
    ]);
    clock.stop();
  });
});
