/**
 * Two voicegates calling each other over loopback: outbound leg on one, inbound application on
 * the other, real SIP, RTP, digits both ways, CDRs on both sides.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { CallEvent } from '../../src/call/index.js';
import { app, collect, gate, sleep, stopGates, until } from './harness.js';

afterEach(stopGates);

describe('calls between two voicegates', () => {
  it('answer, prompt, digits by RFC 4733 collected, hangup by the application; CDRs on both sides', async () => {
    const callee = await gate({
      apps: [
        app('ivr', [
          { type: 'answer' },
          { type: 'play', file: 'goodbye.wav', bargeIn: true },
          collect(),
          { type: 'hangup', cause: 16 },
        ]),
      ],
    });
    const caller = await gate({ peerPort: callee.port });
    const events: CallEvent[] = [];
    const r = await caller.manager.originate({
      trunk: 'carrier',
      to: '1000',
      onEvent: (e) => events.push(e),
      app: app('dial', [
        { type: 'pause', ms: 300 },
        { type: 'sendDigits', digits: '42#', method: 'rfc4733', toneMs: 80, gapMs: 60 },
        { type: 'pause', ms: 5000 },
      ]),
    });
    assert.ok(r.ok, r.ok ? '' : r.message);
    await until(() => callee.cdrs.length === 1 && caller.cdrs.length === 1, 'both CDRs');
    const c = callee.cdrs[0]!;
    assert.equal(c.direction, 'inbound');
    assert.equal(c.trunk, 'carrier');
    assert.equal(c.to, '1000');
    assert.equal(c.app, 'ivr');
    assert.equal(c.digits, '42#');
    assert.equal(c.digitSources.rfc4733, 3);
    assert.equal(c.endCause.by, 'voicegate');
    assert.equal(c.endCause.q850, 16);
    assert.equal(c.codec, 'PCMA');
    assert.ok(c.rtp && c.rtp.packetsReceived > 10 && c.rtp.packetsSent > 10);
    assert.deepEqual(
      c.steps.map((s) => [s.type, s.outcome]),
      [
        ['answer', 'done'],
        ['play', 'barged'],
        ['collectDigits', 'done'],
        ['hangup', 'done'],
      ],
    );
    assert.equal(c.steps[2]!.value, '42');
    const o = caller.cdrs[0]!;
    assert.equal(o.direction, 'outbound');
    assert.equal(o.endCause.by, 'callee');
    assert.equal(o.endCause.q850, 16, 'the Reason header of the BYE');
    assert.match(o.endCause.reason ?? '', /Q\.850;cause=16/);
    assert.ok(events.some((e) => e.type === 'answered'));
    await sleep(50);
    assert.equal(callee.manager.calls.size, 0);
  });
});
