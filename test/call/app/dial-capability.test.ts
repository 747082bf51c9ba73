/**
 * The dial capability without sockets: jambonz's dial_call_status from plan outcomes and SIP
 * statuses, targets tried in order when each fails to start, stop() while a target is being
 * placed, and mute without a bridge.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dialCapabilities,
  statusOfPlan,
  statusOfSip,
  type Call,
  type CallEvent,
  type DialPlacer,
  type DialSpec,
  type OriginateOptions,
  type OriginateResult,
} from '../../../src/call/index.js';
import type { DialResult } from '../../../src/dialing/index.js';
import { systemClock } from '../../../src/rtp/index.js';
import { quiet } from '../harness.js';

const result = (outcome: DialResult['outcome'], cancelled?: DialResult['cancelled']): DialResult =>
  ({ outcome, ...(cancelled ? { cancelled } : {}) }) as DialResult;

/** Just what a DialRun touches on its caller before a bridge. */
function fakeCaller(): Call {
  return {
    callId: 'caller-1',
    ended: false,
    clock: systemClock,
    logger: quiet,
    listeners: new Set<(ev: CallEvent) => void>(),
    ring: () => true,
  } as unknown as Call;
}

const request = {
  callerId: '1000',
  timeout: 5,
  headers: { 'X-Test': 'yes' },
  answerOnBridge: false,
} as const;

describe('dial capability', () => {
  it('maps plan outcomes to dial_call_status', () => {
    assert.equal(statusOfPlan(result('x_busy'), 'none'), 'busy');
    assert.equal(statusOfPlan(result('customer_busy'), 'none'), 'busy');
    assert.equal(statusOfPlan(result('x_no_answer'), 'none'), 'no-answer');
    assert.equal(statusOfPlan(result('customer_no_answer'), 'none'), 'no-answer');
    assert.equal(statusOfPlan(result('invalid_extension'), 'none'), 'failed');
    assert.equal(statusOfPlan(result('x_rejected'), 'none'), 'failed');
    assert.equal(statusOfPlan(result('failed', 'caller_gone'), 'none'), 'canceled');
    assert.equal(statusOfPlan(result('x_busy'), 'stopped'), 'canceled');
    assert.equal(statusOfPlan(undefined, 'none'), 'failed');
  });

  it('maps final SIP statuses to dial_call_status', () => {
    assert.equal(statusOfSip(486, 'none'), 'busy');
    assert.equal(statusOfSip(600, 'none'), 'busy');
    for (const code of [408, 480, 487]) assert.equal(statusOfSip(code, 'none'), 'no-answer');
    assert.equal(statusOfSip(487, 'ring-timeout'), 'no-answer');
    assert.equal(statusOfSip(487, 'stopped'), 'canceled');
    assert.equal(statusOfSip(503, 'none'), 'failed');
    assert.equal(statusOfSip(undefined, 'none'), 'failed');
  });

  it('tries the targets in order; each failing to start: failed, with the options passed on', async () => {
    const seen: string[] = [];
    const placer: DialPlacer = {
      calls: new Map(),
      dial: (s: DialSpec) => {
        seen.push(`dial ${String(s.to)} ${s.trunk} ${s.from} ${s.ringTimeoutMs} ${s.connected?.type}`);
        return { ok: false, error: { code: 'invalid_number', message: 'no' } };
      },
      originate: (o: OriginateOptions): Promise<OriginateResult> => {
        seen.push(`originate ${o.to} ${o.trunk} ${o.from} ${JSON.stringify(o.headers)}`);
        return Promise.resolve({ ok: false, code: 'trunk_limit', message: 'full' });
      },
    };
    const caller = fakeCaller();
    const run = dialCapabilities(placer, caller, { trunk: 'carrier' }).dial({
      ...request,
      targets: [
        { type: 'phone', number: '17001234567-1234' },
        { type: 'sip', sipUri: 'sip:b@example.net', trunk: 'other' },
      ],
    });
    assert.deepEqual(await run.done, { dial_call_status: 'failed' });
    assert.deepEqual(seen, [
      'dial 17001234567-1234 carrier 1000 5000 bridge',
      'originate sip:b@example.net other 1000 [["X-Test","yes"]]',
    ]);
    assert.equal(caller.listeners.size, 0, 'no listener left on the caller');
  });

  it('a target without a trunk fails without placing anything', async () => {
    let placed = 0;
    const placer: DialPlacer = {
      calls: new Map(),
      dial: () => assert.fail('not placed'),
      originate: () => {
        placed++;
        return Promise.resolve({ ok: false, code: 'unknown_trunk', message: 'x' });
      },
    };
    const run = dialCapabilities(placer, fakeCaller()).dial({
      ...request,
      targets: [{ type: 'sip', sipUri: 'sip:b@example.net' }],
    });
    assert.equal((await run.done).dial_call_status, 'failed');
    assert.equal(placed, 0);
  });

  it('stop() while the first target is being placed: canceled, the next target never tried', async () => {
    let placed = 0;
    let release: (r: OriginateResult) => void = () => undefined;
    const placer: DialPlacer = {
      calls: new Map(),
      dial: () => assert.fail('not placed'),
      originate: () => {
        placed++;
        return new Promise((r) => (release = r));
      },
    };
    const run = dialCapabilities(placer, fakeCaller(), { trunk: 't' }).dial({
      ...request,
      targets: [
        { type: 'sip', sipUri: 'sip:a@x' },
        { type: 'sip', sipUri: 'sip:b@x' },
      ],
    });
    await new Promise((r) => setImmediate(r));
    run.stop();
    release({ ok: false, code: 'draining', message: 'x' });
    assert.equal((await run.done).dial_call_status, 'canceled');
    assert.equal(placed, 1);
  });

  it('mute without a bridge answers false', () => {
    const caps = dialCapabilities(
      { calls: new Map(), dial: () => assert.fail(), originate: () => assert.fail() },
      fakeCaller(),
    );
    assert.equal(caps.mute(true), false);
  });
});
