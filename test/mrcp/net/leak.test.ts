/**
 * Acceptance: 1,000 sessions opened, used and closed over real sockets leave nothing behind — no
 * session, channel, TCP connection, RTP port or timer on either side (SIP timers included: both
 * SIP user agents run with T1 = 10 ms so their lingering transactions end within the test).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CountingClock, sleep, startPair, until } from './net-helpers.js';

const SESSIONS = 1000;
const PARALLEL = 25;

test(`${SESSIONS} sessions opened and closed leave zero sessions, channels, connections, ports and timers`, async () => {
  const clock = new CountingClock();
  const timers = { T1: 10, T2: 40, T4: 50 };
  const p = await startPair({
    rtpBase: 53200,
    clock,
    server: { sip: { timers }, mrcp: { idleTimeoutMs: 200 } },
    client: { sip: { extra: { clock, timers } }, limits: { connectionLingerMs: 0 } },
  });
  try {
    const t0 = Date.now();
    let done = 0;
    let spoke = 0;
    for (let round = 0; round < SESSIONS / PARALLEL; round++) {
      await Promise.all(
        Array.from({ length: PARALLEL }, async (_, i) => {
          const s = await p.client.openSession({
            resources: ['speechsynth', 'speechrecog'],
            callId: `leak-${round}-${i}`,
          });
          const r = await s.setParams('speechrecog', { 'No-Input-Timeout': '3000' });
          assert.equal(r.statusCode, 200);
          if (i === 0 && round % 10 === 0) {
            // Some sessions also run a prompt to its end, so engines and audio are exercised.
            assert.equal((await s.speak('leak').done).cause, 'normal');
            spoke++;
          }
          s.close();
          done++;
        }),
      );
    }
    const elapsed = Date.now() - t0;
    assert.equal(done, SESSIONS);
    await until(() => p.server.sessionCount === 0 && p.client.sessionCount === 0, 5000, 'sessions gone');
    await until(() => p.serverPool.inUse === 0 && p.clientPool.inUse === 0, 5000, 'RTP ports back');
    await until(() => p.server.connectionCount === 0 && p.client.connectionCount === 0, 5000, 'TCP closed');
    await until(() => p.server.sip.dialogCount === 0 && p.client.sip.dialogCount === 0, 5000, 'dialogs gone');
    // Lingering SIP transactions (Timers J/L/M at 64 × T1) end, then every timer is gone.
    await until(() => clock.pending === 0, 5000, `timers gone (${clock.pending} left)`);
    for (const c of [p.server.counters, p.client.counters]) {
      assert.equal(c.sessionsActive, 0);
      assert.equal(c.channelsActive, 0);
      assert.equal(c.connectionsActive, 0);
    }
    assert.equal(p.server.counters.sessionsOpened, SESSIONS);
    assert.equal(p.client.counters.sessionsOpened, SESSIONS);
    assert.equal(p.server.sip.counters.transactionsActive, 0);
    assert.ok(spoke > 0);
    await sleep(0);
    console.log(`# ${SESSIONS} sessions in ${elapsed} ms (${Math.round((SESSIONS * 1000) / elapsed)}/s)`);
  } finally {
    await p.close();
  }
});
