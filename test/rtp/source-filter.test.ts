import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FILTER_TRANSITIONS, type RtpLogger, SourceFilter } from '../../src/rtp/index.js';

function logger(): { log: RtpLogger; lines: string[] } {
  const lines: string[] = [];
  const push = (m: string): void => void lines.push(m);
  return { log: { debug: push, info: push, warn: push, error: push }, lines };
}

describe('SourceFilter state machine', () => {
  it('declares its transitions', () => {
    assert.deepEqual(Object.keys(FILTER_TRANSITIONS), ['idle', 'fixed', 'waiting', 'latched']);
  });

  it('idle: everything is a stranger', () => {
    const f = new SourceFilter('latch', 1000, logger().log, 't');
    assert.equal(f.classify('1.1.1.1', 5000, 0), 'stranger');
  });

  it('idle -> fixed (mode fixed): only the negotiated address and port', () => {
    const { log, lines } = logger();
    const f = new SourceFilter('fixed', 1000, log, 't');
    f.setRemote('10.0.0.1', 4000, 0);
    assert.equal(f.state, 'fixed');
    assert.equal(f.classify('10.0.0.1', 4000, 1), 'match');
    assert.equal(f.classify('10.0.0.1', 4002, 1), 'stranger');
    assert.equal(f.classify('10.0.0.9', 4000, 1), 'stranger');
    assert.deepEqual(lines, ['t: source idle -> fixed (set-remote)']);
  });

  it('idle -> waiting -> latched: the first validated source wins, once; later senders are strangers', () => {
    const { log, lines } = logger();
    const f = new SourceFilter('latch', 2000, log, 't');
    f.setRemote('10.0.0.1', 4000, 0);
    assert.equal(f.state, 'waiting');
    assert.equal(f.classify('203.0.113.5', 31000, 100), 'candidate');
    f.latch('203.0.113.5', 31000);
    assert.equal(f.state, 'latched');
    assert.deepEqual([f.address, f.port], ['203.0.113.5', 31000]);
    assert.equal(f.classify('203.0.113.5', 31000, 200), 'match');
    assert.equal(f.classify('10.0.0.1', 4000, 200), 'stranger', 'not even the SDP address after latching');
    assert.equal(f.classify('198.51.100.66', 31000, 200), 'stranger');
    f.latch('198.51.100.66', 31000);
    assert.equal(f.address, '203.0.113.5', 'latch happens once');
    assert.deepEqual(lines, [
      't: source idle -> waiting (set-remote)',
      't: source waiting -> latched (latch)',
    ]);
  });

  it('waiting -> fixed when the window passes without media', () => {
    const f = new SourceFilter('latch', 2000, logger().log, 't');
    f.setRemote('10.0.0.1', 4000, 0);
    assert.equal(f.classify('10.0.0.1', 4000, 1999), 'candidate');
    assert.equal(f.classify('203.0.113.5', 31000, 2000), 'stranger');
    assert.equal(f.state, 'fixed');
    assert.equal(f.classify('10.0.0.1', 4000, 2001), 'match');
  });

  it('latched/fixed -> waiting again only through set-remote (re-INVITE), and -> idle on clear', () => {
    const f = new SourceFilter('latch', 500, logger().log, 't');
    f.setRemote('10.0.0.1', 4000, 0);
    f.latch('10.0.0.1', 4000);
    f.setRemote('10.0.0.2', 6000, 1000);
    assert.equal(f.state, 'waiting');
    assert.equal(f.classify('10.0.0.2', 6000, 1100), 'candidate');
    f.clear();
    assert.equal(f.state, 'idle');
  });

  it('a hold address (undefined) matches nothing but still latches a sender in latch mode', () => {
    const fixed = new SourceFilter('fixed', 0, logger().log, 't');
    fixed.setRemote(undefined, 4000, 0);
    assert.equal(fixed.classify('0.0.0.0', 4000, 1), 'stranger');
  });

  it('latch mode with a zero window is fixed', () => {
    const f = new SourceFilter('latch', 0, logger().log, 't');
    f.setRemote('10.0.0.1', 4000, 0);
    assert.equal(f.state, 'fixed');
  });
});
