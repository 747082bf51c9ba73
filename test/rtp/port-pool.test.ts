import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortPool } from '../../src/rtp/index.js';

describe('PortPool', () => {
  it('hands out even ports whose pair fits in the range', () => {
    const pool = new PortPool({ min: 20001, max: 20010 });
    assert.equal(pool.capacity, 4);
    const ports = [pool.allocate(), pool.allocate(), pool.allocate(), pool.allocate()];
    assert.deepEqual(ports, [20002, 20004, 20006, 20008]);
    assert.equal(pool.allocate(), undefined, 'exhausted');
    assert.equal(pool.inUse, 4);
  });

  it('reuses a released port last (FIFO), and refuses double or foreign releases', () => {
    const pool = new PortPool({ min: 30000, max: 30005 });
    const a = pool.allocate() as number;
    const b = pool.allocate() as number;
    assert.equal(pool.release(a), true);
    assert.equal(pool.release(a), false, 'double release');
    assert.equal(pool.release(30001), false, 'odd port');
    assert.equal(pool.release(40000), false, 'outside');
    assert.equal(pool.allocate(), 30004);
    assert.equal(pool.allocate(), a);
    assert.equal(pool.available, 0);
    assert.ok(pool.isAllocated(b));
  });

  it('never leaks over many allocate/release cycles', () => {
    const pool = new PortPool({ min: 10000, max: 10999 });
    const held: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      if (held.length < 500 && (i % 3 !== 0 || held.length === 0)) {
        const p = pool.allocate();
        assert.ok(p !== undefined && p % 2 === 0 && p >= 10000 && p + 1 <= 10999);
        held.push(p);
      } else {
        assert.ok(pool.release(held.shift() as number));
      }
      assert.equal(pool.inUse, held.length);
    }
    for (const p of held) pool.release(p);
    assert.equal(pool.available, pool.capacity);
  });

  it('rejects ranges without a pair', () => {
    assert.throws(() => new PortPool({ min: 20001, max: 20002 }), RangeError);
    assert.throws(() => new PortPool({ min: 5, max: 4 }), RangeError);
    assert.throws(() => new PortPool({ min: 0, max: 70000 }), RangeError);
  });
});
