/**
 * The project's SIPp scenarios (sipp-scenarios/) against a SipStack running the test
 * application, over UDP on loopback. Each test checks SIPp's exit code and statistics and what
 * our stack recorded.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Session } from '../../../src/sip/index.js';
import { until } from '../helpers.js';
import { freeUdpPort, runSipp, startSipp, stat, type SippResult } from './runner.js';
import { APP_SDP, loopbackOptions, TestApp, type Behaviour } from './test-app.js';

const apps: TestApp[] = [];
after(async () => {
  for (const a of apps) await a.stop();
});

async function app(behaviour: Behaviour, sippPort = 9, extra = {}): Promise<TestApp> {
  const a = new TestApp(loopbackOptions(sippPort, extra), behaviour);
  await a.start();
  apps.push(a);
  return a;
}

function ok(r: SippResult, calls: number): void {
  assert.equal(r.code, 0, `sipp exit ${r.code}\n${r.errors.slice(0, 3000)}\n${r.stderr.slice(0, 1000)}`);
  assert.equal(stat(r, 'SuccessfulCall'), calls);
  assert.equal(stat(r, 'FailedCall'), 0);
}

function noNegatives(a: TestApp): void {
  const t = a.stack.counters.transactions;
  for (const k of Object.keys(t)) assert.ok(!/ 481$/.test(k), `we answered ${k}`);
  assert.deepEqual(a.stack.counters.parseErrors, {});
}

const CALLS = 5;

describe('SIPp scenarios against the stack (UDP, loopback)', () => {
  it('uac-basic: voicegate answers, SIPp hangs up', async () => {
    const a = await app({ kind: 'answer', ring: true });
    const r = await runSipp({
      scenario: 'uac-basic.xml',
      remote: `127.0.0.1:${a.port}`,
      calls: CALLS,
      rate: 20,
      timeoutSeconds: 20,
      durationMs: 200,
    });
    ok(r, CALLS);
    await until(() => a.stats.ended === CALLS);
    assert.equal(a.stats.invites, CALLS);
    assert.equal(a.stats.answered, CALLS);
    assert.equal(a.stats.confirmed, CALLS);
    assert.equal(a.stats.byesReceived, CALLS);
    assert.equal(a.stack.counters.transactions['BYE 200'], CALLS);
    noNegatives(a);
  });

  it('uac-expect-bye: voicegate answers, holds the call and hangs up', async () => {
    const a = await app({ kind: 'answer', holdMs: 300 });
    const r = await runSipp({
      scenario: 'uac-expect-bye.xml',
      remote: `127.0.0.1:${a.port}`,
      calls: CALLS,
      rate: 20,
      timeoutSeconds: 20,
    });
    ok(r, CALLS);
    assert.equal(a.stats.byesSent, CALLS);
    assert.equal(a.stats.endReasons['local-bye'], CALLS);
    assert.equal(a.stack.counters.transactions['BYE 200'], CALLS);
    noNegatives(a);
  });

  it('uac-expect-486: voicegate rejects with a given code; the ACK matches the transaction', async () => {
    const a = await app({ kind: 'reject', status: 486 });
    const r = await runSipp({
      scenario: 'uac-expect-486.xml',
      remote: `127.0.0.1:${a.port}`,
      calls: CALLS,
      rate: 20,
      timeoutSeconds: 20,
    });
    ok(r, CALLS);
    assert.equal(a.stats.rejected, CALLS);
    assert.equal(a.stack.counters.transactions['INVITE 486'], CALLS);
    assert.equal(
      a.stack.counters.retransmissionsSent['INVITE 486'],
      undefined,
      'every 486 was ACKed at once',
    );
    noNegatives(a);
  });

  it('uac-cancel: voicegate rings, SIPp cancels: 200 CANCEL, 487 INVITE, ACK', async () => {
    const a = await app({ kind: 'ring' });
    const r = await runSipp({
      scenario: 'uac-cancel.xml',
      remote: `127.0.0.1:${a.port}`,
      calls: CALLS,
      rate: 20,
      timeoutSeconds: 20,
    });
    ok(r, CALLS);
    assert.equal(a.stats.cancelled, CALLS);
    assert.equal(a.stack.counters.transactions['CANCEL 200'], CALLS);
    assert.equal(a.stack.counters.transactions['INVITE 487'], CALLS);
    assert.equal(a.stack.counters.retransmissionsSent['INVITE 487'], undefined);
    assert.equal(a.stack.callCount, 0);
    noNegatives(a);
  });

  it('uac-100rel: reliable 183 with SDP, PRACK, then 200', async () => {
    const a = await app({ kind: 'answer', early: true });
    const r = await runSipp({
      scenario: 'uac-100rel.xml',
      remote: `127.0.0.1:${a.port}`,
      calls: CALLS,
      rate: 20,
      timeoutSeconds: 20,
    });
    ok(r, CALLS);
    assert.equal(a.stats.pracks, CALLS);
    assert.equal(a.stack.counters.transactions['PRACK 200'], CALLS);
    await until(() => a.stats.byesReceived === CALLS);
    noNegatives(a);
  });

  it('uac-reinvite: a hold re-INVITE is answered with SDP and ACKed', async () => {
    const a = await app({ kind: 'answer' });
    const r = await runSipp({
      scenario: 'uac-reinvite.xml',
      remote: `127.0.0.1:${a.port}`,
      calls: CALLS,
      rate: 20,
      timeoutSeconds: 20,
    });
    ok(r, CALLS);
    assert.equal(a.stats.reinvites, CALLS);
    assert.equal(a.stack.counters.transactions['INVITE 200'], 2 * CALLS);
    assert.equal(a.stack.counters.retransmissionsSent['INVITE 200'], undefined, 'every 2xx ACKed');
    noNegatives(a);
  });

  it('uac-session-timer: 422 with Min-SE, then 90 s with refresher=uac, refreshed by UPDATE', async () => {
    const a = await app({ kind: 'answer' });
    const r = await runSipp({
      scenario: 'uac-session-timer.xml',
      remote: `127.0.0.1:${a.port}`,
      calls: CALLS,
      rate: 20,
      timeoutSeconds: 20,
    });
    ok(r, CALLS);
    assert.equal(a.stack.counters.transactions['INVITE 422'], CALLS);
    assert.equal(a.stats.updates, CALLS);
    noNegatives(a);
  });

  it('uac-info: DTMF INFO requests are answered 200 and reach the application', async () => {
    const a = await app({ kind: 'answer' });
    const r = await runSipp({
      scenario: 'uac-info.xml',
      remote: `127.0.0.1:${a.port}`,
      calls: CALLS,
      rate: 20,
      timeoutSeconds: 20,
    });
    ok(r, CALLS);
    assert.equal(a.stats.infos.length, 2 * CALLS);
    assert.equal(a.stats.infos[0], 'Signal=5 Duration=160');
    noNegatives(a);
  });
});

/** Places `n` calls to SIPp, each held `holdMs` then hung up; resolves the sessions' end reasons. */
async function placeCalls(
  a: TestApp,
  n: number,
  holdMs: number,
): Promise<{ accepted: number; failed: string[] }> {
  let accepted = 0;
  const failed: string[] = [];
  let settled = 0;
  await new Promise<void>((resolve) => {
    const settle = () => ++settled === n && resolve();
    for (let i = 0; i < n; i++) {
      const call = a.stack.invite({ trunk: 'sipp', to: `${1000 + i}`, body: APP_SDP });
      call.delegate.onAccepted = (s: Session) => {
        accepted++;
        a.watch(s);
        setTimeout(() => s.bye(), holdMs);
        const prev = s.delegate.onTerminated;
        s.delegate.onTerminated = (why) => {
          prev?.(why);
          settle();
        };
      };
      call.delegate.onFailed = (res, reason) => {
        failed.push(`${reason} ${res?.status ?? ''}`);
        settle();
      };
    }
  });
  return { accepted, failed };
}

describe('SIPp as the called party (voicegate places the calls)', () => {
  it('uas-basic: SIPp rings and answers; voicegate ACKs, holds and hangs up', async () => {
    const port = await freeUdpPort();
    const sipp = await startSipp({ scenario: 'uas-basic.xml', port, calls: CALLS, timeoutSeconds: 20 });
    const a = await app({ kind: 'reject', status: 603 }, port);
    const placed = await placeCalls(a, CALLS, 200);
    assert.deepEqual(placed, { accepted: CALLS, failed: [] });
    ok(await sipp.done, CALLS);
    assert.equal(a.stack.counters.transactions['BYE 200'], CALLS);
  });

  it('uas-100rel-183: voicegate PRACKs a reliable 183 before the 200', async () => {
    const port = await freeUdpPort();
    const sipp = await startSipp({ scenario: 'uas-100rel-183.xml', port, calls: CALLS, timeoutSeconds: 20 });
    const a = await app({ kind: 'reject', status: 603 }, port);
    const placed = await placeCalls(a, CALLS, 200);
    assert.deepEqual(placed, { accepted: CALLS, failed: [] });
    ok(await sipp.done, CALLS);
    assert.equal(a.stack.counters.transactions['PRACK 200'], CALLS);
  });

  it('uas-auth-401: voicegate answers the digest challenge and SIPp verifies it', async () => {
    const port = await freeUdpPort();
    const sipp = await startSipp({ scenario: 'uas-auth-401.xml', port, calls: CALLS, timeoutSeconds: 20 });
    const a = await app({ kind: 'reject', status: 603 }, port, {
      trunks: [
        {
          name: 'sipp',
          peers: [`127.0.0.1:${port}`],
          transport: 'udp',
          auth: { username: 'voicegate', password: 's3cret' },
        },
      ],
    });
    const placed = await placeCalls(a, CALLS, 100);
    assert.deepEqual(placed, { accepted: CALLS, failed: [] });
    ok(await sipp.done, CALLS);
    assert.equal(a.stack.counters.transactions['INVITE 401'], CALLS);
  });

  it('uas-options-ping: keepalive brings the trunk up, and down when the peer goes away', async () => {
    const port = await freeUdpPort();
    const sipp = await startSipp({ scenario: 'uas-options-ping.xml', port, calls: 3, timeoutSeconds: 20 });
    const events: string[] = [];
    const a = await app({ kind: 'reject', status: 603 }, port, {
      trunks: [
        {
          name: 'sipp',
          peers: [`127.0.0.1:${port}`],
          transport: 'udp',
          keepalive: { intervalSeconds: 1, downAfter: 2 },
        },
      ],
      timers: { T1: 50 },
    });
    a.stack.delegate.onTrunkStatus = (t, up) => events.push(`${t} ${up ? 'up' : 'down'}`);
    ok(await sipp.done, 3);
    assert.equal(a.stack.trunks.get('sipp')!.up, true);
    await until(() => events.length === 1, 15_000, 'trunk down');
    assert.deepEqual(events, ['sipp down']);
  });
});
