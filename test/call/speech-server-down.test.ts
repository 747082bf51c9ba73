/**
 * The MRCP server goes away in the middle of a call (SIPp places it): stopped (BYE, connections
 * closed) or killed with SIGKILL (a child process: the TCP connection just drops). The gather
 * running then ends with an `error` payload at once, the next speech step fails cleanly (no
 * server), the call goes on to its hangup and its CDR, and nothing is left: no client session,
 * channel, RTP port or timer.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AppSpec, GatherPayload, SayPayload, StepRecord } from '../../src/call/index.js';
import { until } from './harness.js';
import { speechGate, stopSpeechGates, type SpeechGate } from './speech-harness.js';
import { runSippSpeech } from './speech-sipp.js';

const CHILD = fileURLToPath(new URL('./speech-server-child.js', import.meta.url));
const LONG_PROMPT =
  'for sales press two for support press four for billing press six for the operator press zero and to hear these options again stay on the line';

const APP: AppSpec = {
  name: 'down',
  steps: [
    { type: 'answer' },
    {
      type: 'gather',
      input: ['speech'],
      timeout: 5,
      say: { text: LONG_PROMPT },
      recognizer: { grammars: [{ uri: 'builtin:grammar/boolean' }] },
    },
    // After the server is gone for good (while it drains it answers 503, and the client's INVITE
    // transaction keeps RFC 3261 Timer D, 32 s on UDP: bounded, but longer than a test).
    { type: 'pause', ms: 1000 },
    { type: 'say', text: 'Sorry, something went wrong.' },
    { type: 'hangup', cause: 16 },
  ],
  maxDurationMs: 30_000,
};

const children: ChildProcess[] = [];
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await stopSpeechGates();
});

/** Starts the child server; resolves with its SIP port. */
async function childServer(): Promise<{ child: ChildProcess; sip: number }> {
  const child = spawn(process.execPath, [CHILD, String(53000 + 2 * Math.floor(Math.random() * 2000))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const sip = await new Promise<number>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('the child server did not start')), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(t);
        resolve((JSON.parse(line) as { sip: number }).sip);
      }
    });
    child.on('exit', (code) => reject(new Error(`the child server exited ${code}`)));
  });
  return { child, sip };
}

function checkOutcome(g: SpeechGate): { gather: StepRecord; say: StepRecord } {
  const steps = g.lastSteps;
  assert.deepEqual(
    steps.map((s) => s.type),
    ['answer', 'gather', 'pause', 'say', 'hangup'],
  );
  const gather = steps[1]!;
  const say = steps[3]!;
  const p = gather.payload as GatherPayload;
  assert.equal(gather.outcome, 'failed');
  assert.equal(p.reason, 'error');
  assert.equal(p.cause, 'closed', JSON.stringify(p));
  assert.equal(say.outcome, 'failed');
  assert.ok(
    ['no-server', 'invite-timeout', 'sip-error'].includes((say.payload as SayPayload).cause),
    JSON.stringify(say.payload),
  );
  assert.equal(steps[4]!.outcome, 'done');
  assert.equal(g.cdrs.at(-1)!.endCause.by, 'voicegate');
  return { gather, say };
}

const clean = (g: SpeechGate): Promise<void> =>
  until(() => Object.values(g.leaks()).every((n) => n === 0), 'zero', 8000).catch(() =>
    assert.fail(JSON.stringify(g.leaks())),
  );

describe('the MRCP server goes away mid-call', () => {
  it('stopped during a gather: error payload at once, the call goes on and ends, nothing left', async () => {
    const g = await speechGate({ apps: [APP], timeouts: { inviteMs: 1000 } });
    const server = g.server!;
    const running = runSippSpeech({ scenario: 'uac-wait-bye.xml', port: g.port, service: '1', pauseMs: 0 });
    await until(() => g.calls.at(-1)?.speech()?.session !== undefined, 'the speech session', 8000);
    await new Promise((r) => setTimeout(r, 800));
    const t0 = Date.now();
    await server.stop();
    const r = await running;
    assert.equal(r.code, 0, r.errors.slice(0, 2000));
    await until(() => g.cdrs.length === 1, 'the CDR');
    const { gather } = checkOutcome(g);
    assert.ok(gather.endMs - t0 < 1000, `the gather ended ${gather.endMs - t0} ms after the stop`);
    await clean(g);
  });

  it('killed (SIGKILL) during a gather: the same, from the dropped connection', async () => {
    const { child, sip } = await childServer();
    const g = await speechGate({
      apps: [APP],
      pools: [{ name: 'remote', servers: [{ name: 'child', sip: `127.0.0.1:${sip}` }] }],
      timeouts: { inviteMs: 1000 },
    });
    const running = runSippSpeech({ scenario: 'uac-wait-bye.xml', port: g.port, service: '1', pauseMs: 0 });
    await until(() => g.calls.at(-1)?.speech()?.session !== undefined, 'the speech session', 8000);
    await new Promise((r) => setTimeout(r, 800));
    const t0 = Date.now();
    child.kill('SIGKILL');
    const r = await running;
    assert.equal(r.code, 0, r.errors.slice(0, 2000));
    await until(() => g.cdrs.length === 1, 'the CDR');
    const { gather } = checkOutcome(g);
    assert.ok(gather.endMs - t0 < 1000, `the gather ended ${gather.endMs - t0} ms after the kill`);
    await clean(g);
  });
});
