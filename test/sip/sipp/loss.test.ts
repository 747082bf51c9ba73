/**
 * 300 calls over UDP with 10 % packet loss (SIPp's -lost 10, on what it sends and receives),
 * against voicegate and, in the same test, against SIPp's own UAS (-sn uas) as the baseline.
 * Every call to voicegate must complete: lost 200 OKs are retransmitted until the ACK,
 * retransmitted BYEs are absorbed (never 481), retransmitted INVITEs never make a second call.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { until } from '../helpers.js';
import { freeUdpPort, killSipp, runSipp, startSipp, stat, type SippResult } from './runner.js';
import { loopbackOptions, TestApp } from './test-app.js';

const CALLS = 300;
const RATE = 50;
/**
 * SIPp gives up a non-INVITE after 5 retransmissions by default, where an RFC 3261 client keeps
 * going for 64*T1 (11 sends). With 10 % loss each way a BYE then fails about once in 20,000 calls
 * whatever the far end does; both runs use the RFC's count so only the far end differs.
 */
const MAX_RETRANS = ['-max_retrans', '10'];

function summary(r: SippResult): string {
  return [
    'SuccessfulCall',
    'FailedCall',
    'FailedMaxUDPRetrans',
    'FailedUnexpectedMessage',
    'Retransmissions',
    'DeadCallMsgs',
  ]
    .map((k) => `${k}=${stat(r, k)}`)
    .join(' ');
}

describe('10 % packet loss, 300 calls (SIPp -lost 10)', () => {
  it('voicegate completes every call; SIPp’s own UAS is measured in the same run', async (t) => {
    const a = new TestApp(loopbackOptions(9), { kind: 'answer' });
    await a.start();
    let ours: SippResult;
    try {
      ours = await runSipp({
        scenario: 'uac-basic.xml',
        remote: `127.0.0.1:${a.port}`,
        calls: CALLS,
        rate: RATE,
        lost: 10,
        timeoutSeconds: 90,
        extra: MAX_RETRANS,
      });
      await until(() => a.stack.dialogCount === 0, 40_000, 'every dialog to end');
    } finally {
      await a.stop();
    }
    const uasPort = await freeUdpPort();
    const uas = await startSipp({
      scenario: 'uas',
      builtin: true,
      port: uasPort,
      calls: CALLS,
      timeoutSeconds: 120,
    });
    let base: SippResult;
    try {
      base = await runSipp({
        scenario: 'uac-basic.xml',
        remote: `127.0.0.1:${uasPort}`,
        calls: CALLS,
        rate: RATE,
        lost: 10,
        timeoutSeconds: 90,
        extra: MAX_RETRANS,
      });
    } finally {
      killSipp(uas);
      await uas.done;
    }
    t.diagnostic(`voicegate: ${summary(ours)}`);
    t.diagnostic(`SIPp UAS:  ${summary(base)}`);
    const c = a.stack.counters;
    t.diagnostic(
      `voicegate counters: INVITE in ${c.requestsReceived.INVITE} (absorbed ${c.retransmissionsReceived.INVITE ?? 0}), ` +
        `200 retransmitted ${c.retransmissionsSent['INVITE 200'] ?? 0}, BYE in ${c.requestsReceived.BYE} ` +
        `(absorbed ${c.retransmissionsReceived.BYE ?? 0}), ACK in ${c.requestsReceived.ACK}`,
    );
    // What our stack recorded: one call per Call-ID, every one answered and ended by the caller's BYE.
    assert.equal(a.stats.invites, stat(ours, 'SuccessfulCall') + stat(ours, 'FailedCall'));
    assert.equal(a.stats.answered, a.stats.invites, 'a retransmitted INVITE never makes a second call');
    assert.equal(a.stats.byesReceived, a.stats.invites);
    assert.equal(c.transactions['BYE 200'], a.stats.invites);
    for (const k of Object.keys(c.transactions)) assert.ok(!/ 481$/.test(k), `we answered ${k}`);
    // Every BYE copy that reached us was answered: new ones by a transaction, the rest absorbed.
    assert.equal(c.requestsReceived.BYE, a.stats.invites + (c.retransmissionsReceived.BYE ?? 0));
    // SIPp: every call to voicegate completed.
    assert.equal(stat(ours, 'FailedCall'), 0, `failed calls to voicegate:\n${ours.errors.slice(0, 4000)}`);
    assert.equal(stat(ours, 'SuccessfulCall'), CALLS);
    assert.equal(ours.code, 0);
    // The baseline ran to the end (its failures are SIPp's UAS's own, reported above).
    assert.equal(stat(base, 'SuccessfulCall') + stat(base, 'FailedCall'), CALLS);
  });
});
