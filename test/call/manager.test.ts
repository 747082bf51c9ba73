/**
 * The call manager's own behaviour on real calls between two voicegates: routing refusals,
 * limits, draining, the media inactivity timeout, shutdown with BYE, and the leg transitions
 * each kind of call goes through (read from the debug log, one line per transition).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { CallEvent } from '../../src/call/index.js';
import { app, gate, sleep, stopGates, until } from './harness.js';

afterEach(stopGates);

function transitions() {
  const lines: string[] = [];
  const noop = (): void => undefined;
  return {
    lines,
    logger: {
      debug: (msg: string, meta?: Record<string, unknown>) => {
        if (/^leg /.test(msg)) lines.push(`${String(meta?.direction ?? '')} ${msg.replace(/^leg /, '')}`);
      },
      info: noop,
      warn: noop,
      error: noop,
    },
    of(dir: 'inbound' | 'outbound'): string[] {
      return lines.filter((l) => l.startsWith(dir)).map((l) => l.slice(dir.length + 1));
    },
  };
}

const wait = app('wait', [{ type: 'answer' }, { type: 'pause', ms: 30_000 }]);

describe('CallManager', () => {
  it('refuses with 404 and cause 1 when no route matches, with 503 beyond maxCalls', async () => {
    const callee = await gate({ apps: [wait], routes: [{ calledPrefix: '1', app: 'wait' }], maxCalls: 1 });
    const caller = await gate({ peerPort: callee.port });
    const r404 = await caller.manager.originate({ trunk: 'carrier', to: '999' });
    assert.ok(r404.ok);
    const c404 = await r404.call.whenEnded();
    assert.equal(c404.endCause.sipCode, 404);
    assert.equal(c404.endCause.q850, 1);
    assert.equal(callee.manager.counters.callsRefused['404'], 1);
    const first = await caller.manager.originate({ trunk: 'carrier', to: '100' });
    assert.ok(first.ok);
    await until(
      () => callee.manager.calls.size === 1 && callee.manager.counters.callsAnswered === 1,
      'first call up',
    );
    const second = await caller.manager.originate({ trunk: 'carrier', to: '101' });
    assert.ok(second.ok);
    const c503 = await second.call.whenEnded();
    assert.equal(c503.endCause.sipCode, 503);
    assert.equal(c503.endCause.q850, 34);
    first.call.hangup(16);
    await first.call.whenEnded();
  });

  it('drain: new calls get 503, drain resolves once the live call has ended', async () => {
    const callee = await gate({ apps: [wait] });
    const caller = await gate({ peerPort: callee.port });
    const r = await caller.manager.originate({ trunk: 'carrier', to: '100' });
    assert.ok(r.ok);
    await until(() => callee.manager.counters.callsAnswered === 1, 'answered');
    let drained = false;
    void callee.manager.drain().then(() => (drained = true));
    const late = await caller.manager.originate({ trunk: 'carrier', to: '100' });
    assert.ok(late.ok);
    assert.equal((await late.call.whenEnded()).endCause.sipCode, 503);
    await sleep(100);
    assert.equal(drained, false, 'a call is still up');
    r.call.hangup(16);
    await until(() => drained, 'drained');
    assert.equal(callee.cdrs.length, 1);
    assert.equal(callee.cdrs[0]!.endCause.by, 'caller');
  });

  it('ends a call whose media stopped (inactivity timeout, cause 102) and sends BYE with it', async () => {
    const callee = await gate({ apps: [wait], rtp: { inactivityTimeoutMs: 600 } });
    const caller = await gate({ peerPort: callee.port });
    const r = await caller.manager.originate({ trunk: 'carrier', to: '100' });
    assert.ok(r.ok);
    // Both sides up: the caller configures its stream when the 200 arrives, which would undo ours.
    await until(
      () => callee.manager.counters.callsAnswered === 1 && r.call.leg?.state === 'connected',
      'answered',
    );
    // The caller's media goes quiet: its stream stops sending (on hold from its side, as if dead).
    r.call.leg!.stream.session.configure({
      remoteAddress: undefined,
      remotePort: 0,
      sendPayloadType: 8,
      recvPayloadType: 8,
      clockRate: 8000,
      send: false,
      recv: true,
    });
    const cdr = await r.call.whenEnded();
    await until(() => callee.cdrs.length === 1, 'callee CDR');
    assert.equal(callee.cdrs[0]!.endCause.what, 'media-timeout');
    assert.equal(callee.cdrs[0]!.endCause.q850, 102);
    assert.equal(cdr.endCause.by, 'callee');
    assert.equal(cdr.endCause.q850, 102, 'the BYE carried Q.850 cause 102');
  });

  it('stop(): every call is hung up with BYE (cause 16) while SIP still runs', async () => {
    const callee = await gate({ apps: [wait] });
    const caller = await gate({ peerPort: callee.port });
    const calls = await Promise.all(
      [1, 2, 3].map(() => caller.manager.originate({ trunk: 'carrier', to: '100' })),
    );
    await until(() => callee.manager.counters.callsAnswered === 3, 'three up');
    await callee.manager.stop();
    assert.equal(callee.manager.calls.size, 0);
    for (const c of calls) {
      assert.ok(c.ok);
      const cdr = await c.call.whenEnded();
      assert.equal(cdr.endCause.by, 'callee');
      assert.equal(cdr.endCause.q850, 16);
    }
    assert.deepEqual(
      callee.cdrs.map((c) => c.endCause.what),
      ['shutdown', 'shutdown', 'shutdown'],
    );
  });

  it('leg transitions: answered and hung up by us; early media; CANCEL; rejection', async () => {
    const t = transitions();
    const callee = await gate({
      logger: t.logger,
      apps: [
        app('bye', [{ type: 'answer' }, { type: 'hangup', cause: 16 }]),
        app('early', [
          { type: 'play', file: 'goodbye.wav', bargeIn: false },
          { type: 'answer' },
          { type: 'pause', ms: 30_000 },
        ]),
        app('ring', [{ type: 'ring', ms: 30_000 }]),
      ],
      routes: [
        { calledPrefix: '1', app: 'bye' },
        { calledPrefix: '2', app: 'early' },
        { calledPrefix: '3', app: 'ring' },
      ],
    });
    const tc = transitions();
    const caller = await gate({ peerPort: callee.port, logger: tc.logger });
    const one = await caller.manager.originate({ trunk: 'carrier', to: '100' });
    assert.ok(one.ok);
    await one.call.whenEnded();
    await until(() => callee.cdrs.length === 1, 'cdr');
    assert.deepEqual(t.of('inbound'), [
      'init -> proceeding',
      'proceeding -> connected',
      'connected -> terminating',
      '-> terminated',
    ]);
    assert.deepEqual(tc.of('outbound'), ['init -> proceeding', 'proceeding -> connected', '-> terminated']);
    t.lines.length = 0;
    tc.lines.length = 0;
    const events: CallEvent[] = [];
    const two = await caller.manager.originate({
      trunk: 'carrier',
      to: '200',
      onEvent: (e) => events.push(e),
    });
    assert.ok(two.ok);
    await until(() => events.some((e) => e.type === 'answered'), 'answered after early media', 8000);
    two.call.hangup(16);
    await two.call.whenEnded();
    await until(() => callee.cdrs.length === 2, 'cdr');
    assert.deepEqual(t.of('inbound'), [
      'init -> proceeding',
      'proceeding -> early',
      'early -> connected',
      '-> terminated',
    ]);
    assert.deepEqual(tc.of('outbound'), [
      'init -> proceeding',
      'proceeding -> early',
      'early -> connected',
      'connected -> terminating',
      '-> terminated',
    ]);
    assert.ok(events.some((e) => e.type === 'progress' && e.status === 183 && e.earlyMedia));
    t.lines.length = 0;
    tc.lines.length = 0;
    const three = await caller.manager.originate({
      trunk: 'carrier',
      to: '300',
      onEvent: (e) => events.push(e),
    });
    assert.ok(three.ok);
    await until(() => events.some((e) => e.type === 'progress' && e.status === 180), 'ringing');
    three.call.hangup(16); // CANCEL
    const c3 = await three.call.whenEnded();
    await until(() => callee.cdrs.length === 3, 'cdr');
    assert.equal(c3.endCause.sipCode, 487);
    assert.equal(callee.cdrs[2]!.endCause.what, 'cancel');
    assert.deepEqual(t.of('inbound'), ['init -> proceeding', '-> terminated']);
    assert.deepEqual(tc.of('outbound'), ['init -> proceeding', '-> terminated']);
  });
});
