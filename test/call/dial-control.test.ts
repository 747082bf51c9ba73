/**
 * CallDialControl, the dialing layer's DialControl over a real outbound call to a second
 * voicegate: SIP progress with early media, fingerprint analysis of the prompt heard, digits by
 * each method, the end, and a rejection with its Reason.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { CallDialControl } from '../../src/call/index.js';
import type { DialEvent } from '../../src/dialing/index.js';
import { systemClock } from '../../src/rtp/index.js';
import { app, collect, gate, PROMPTS, stopGates, until } from './harness.js';

afterEach(stopGates);

describe('CallDialControl', () => {
  it('progress, early media heard and matched, answer, digits by rfc4733/info/inband, remote end', async () => {
    const callee = await gate({
      inbandDetect: 'on',
      apps: [
        app('platform', [
          { type: 'ring', ms: 300 },
          { type: 'play', file: 'welcome.wav', bargeIn: false },
          { type: 'answer' },
          collect({ maxDigits: 8, terminator: '#', firstDigitTimeoutMs: 8000 }),
          { type: 'hangup', cause: 16 },
        ]),
      ],
    });
    const caller = await gate({ peerPort: callee.port });
    const dc = new CallDialControl(caller.manager, systemClock);
    const events: DialEvent[] = [];
    dc.originate(
      { callId: 'x', trunk: 'carrier', requestUser: '1700123', headers: { 'X-Test': '1' } },
      (e) => {
        events.push(e);
        if (e.type === 'answered') {
          dc.sendDigits({ id: 1, digits: '12', method: 'rfc4733', toneMs: 80, gapMs: 60 });
        }
        if (e.type === 'digits-done' && e.id === 1)
          dc.sendDigits({ id: 2, digits: '3', method: 'info', toneMs: 80, gapMs: 60 });
        if (e.type === 'digits-done' && e.id === 2)
          dc.sendDigits({ id: 3, digits: '4', method: 'inband', toneMs: 80, gapMs: 80 });
        if (e.type === 'digits-done' && e.id === 3)
          dc.sendDigits({ id: 4, digits: '#', method: 'rfc4733', toneMs: 80, gapMs: 60 });
      },
    );
    const support = dc.startAnalysis({
      references: [{ id: 'p1', label: 'prompt', file: join(PROMPTS, 'welcome.wav') }],
      keywords: [],
      learn: true,
    });
    assert.deepEqual(support, { fingerprint: true, keyword: false, learn: true });
    await until(() => events.some((e) => e.type === 'ended'), 'the far end hangs up', 20_000);
    dc.stopAnalysis();
    const types = events.map((e) => e.type);
    assert.ok(types.indexOf('progress') < types.indexOf('answered'));
    assert.ok(
      events.some((e) => e.type === 'progress' && e.sipCode === 183 && e.earlyMedia),
      'early media reported',
    );
    const fp = events.find((e) => e.type === 'media' && e.event.type === 'fingerprint');
    assert.ok(fp, 'the prompt heard as early media matched its recording');
    assert.ok(types.indexOf('answered') > events.indexOf(fp!), 'matched before the answer');
    assert.deepEqual(
      events
        .filter((e) => e.type === 'digits-done')
        .map((e) => (e as { id: number }).id)
        .slice(0, 3),
      [1, 2, 3],
    );
    // The far end hangs up on '#' while its end packets are still going out: done or failed, once.
    assert.equal(
      events.filter((e) => (e.type === 'digits-done' || e.type === 'digits-failed') && e.id === 4).length,
      1,
    );
    await until(() => callee.cdrs.length === 1, 'the callee CDR');
    const cdr = callee.cdrs[0]!;
    assert.equal(cdr.digits, '1234#');
    assert.deepEqual(cdr.digitSources, { rfc4733: 3, info: 1, inband: 1 });
    const end = events.find((e) => e.type === 'ended');
    assert.deepEqual(end, { type: 'ended', reason: 'Q.850;cause=16;text="Normal call clearing"' });
  });

  it('a rejection comes as rejected with the SIP code and the Reason header', async () => {
    const callee = await gate({
      apps: [app('only', [{ type: 'answer' }])],
      routes: [{ calledPrefix: '9', app: 'only' }],
    });
    const caller = await gate({ peerPort: callee.port });
    const dc = new CallDialControl(caller.manager, systemClock);
    const events: DialEvent[] = [];
    dc.originate({ callId: 'y', trunk: 'carrier', requestUser: '1234', headers: {} }, (e) => events.push(e));
    await until(() => events.length > 0 && events.some((e) => e.type === 'rejected'), 'rejected');
    assert.deepEqual(
      events.find((e) => e.type === 'rejected'),
      {
        type: 'rejected',
        sipCode: 404,
        reason: 'Q.850;cause=1;text="Unallocated number"',
      },
    );
    assert.deepEqual(dc.dtmfCapabilities(), { rfc4733: false, info: false, inband: false });
    assert.equal(caller.cdrs[0]!.endCause.by, 'callee');
    assert.equal(caller.cdrs[0]!.endCause.q850, 1);
  });
});
