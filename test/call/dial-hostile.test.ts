/**
 * Dials that must not hang or overrun, over real loopback SIP/RTP: a platform (a second
 * voicegate) that never prompts, one that prompts for ever, a malformed profile folder, an
 * unknown trunk, a flood of dials beyond a trunk's queue. Every one ends bounded, with a coded
 * outcome or refusal; the trunk limits hold throughout; the manager drains to nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DialStart, ManagerEvent } from '../../src/call/index.js';
import { loadProfiles, ProfileError } from '../../src/dialing/index.js';
import { DialGate, profilesWith } from './dial-harness.js';
import { app, gate, stopGates, until } from './harness.js';
import { RECORDINGS } from './privacy-audio.js';

const dialGates: DialGate[] = [];
const dirs: string[] = [];
after(async () => {
  await Promise.all(dialGates.map((g) => g.stop()));
  await stopGates();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const { dir, profiles } = profilesWith({
  'plan-no-prompt-short.yaml': [
    'kind: plan',
    'name: no-prompt-short',
    'steps:',
    '  - waitFor: { event: answer, timeoutMs: 3000 }',
    '  - waitPromptEnd: { mode: fingerprint, label: prompt, maxWaitMs: 2000 }',
    "  - sendDigits: { digits: '{ext}', method: rfc4733 }",
    '  - verifyConnect: { timeoutMs: 5000 }',
    '',
  ].join('\n'),
  'plan-endless-bounded.yaml': [
    'kind: plan',
    'name: endless-bounded',
    'maxDurationMs: 10000',
    'steps:',
    '  - waitFor: { event: answer }',
    '  - waitPromptEnd: { mode: fingerprint, label: prompt, maxWaitMs: 15000 }',
    "  - sendDigits: { digits: '{ext}', method: rfc4733 }",
    '  - onReprompt: { windowMs: 8000, labels: [prompt] }',
    '  - verifyConnect: { timeoutMs: 60000 }',
    '',
  ].join('\n'),
  'platform-two-attempts.yaml': [
    'kind: platform',
    'name: two-attempts',
    'match: { prefixes: ["1709"], kinds: [mobile] }',
    'extension: { minLength: 4, maxLength: 4 }',
    "terminator: '#'",
    'attempts: 2',
    'recordings:',
    '  prompt: [recordings/prompt.wav]',
    '  invalid: [recordings/invalid.wav]',
    'plan: answered-rfc4733',
    '',
  ].join('\n'),
  'trunk-tight.yaml': [
    'kind: trunk',
    'name: tight',
    'numberFormat: { style: national }',
    'timeouts: { answerMs: 5000 }',
    'limits: { maxConcurrentCalls: 2, callsPerSecond: 5, queueSize: 3 }',
    '',
  ].join('\n'),
});
dirs.push(dir);

/** A platform that answers and then does `steps` (a second voicegate on loopback). */
async function platform(steps: Parameters<typeof app>[1]) {
  return gate({ apps: [app('platform', [{ type: 'answer' }, ...steps], 120_000)] });
}

async function dialGate(peerPort: number, trunkProfile: string): Promise<DialGate> {
  const g = await new DialGate({ peerPort, profiles, trunkProfile }).start();
  dialGates.push(g);
  return g;
}

async function outcomeOf(g: DialGate, r: DialStart, boundMs: number) {
  if (!r.ok) assert.fail(`refused: ${JSON.stringify(r.error)}`);
  await until(() => g.cdrOf(r.dial.id) !== undefined, 'the CDR', boundMs);
  return g.cdrOf(r.dial.id)!;
}

const PROMPT = join(RECORDINGS, 'prompt.wav');

describe('hostile dials end bounded, with clear outcomes', { concurrency: true }, () => {
  it('a platform that answers and never prompts: failed no_prompt at the step bound', async () => {
    const p = await platform([{ type: 'pause', ms: 60_000 }]);
    const g = await dialGate(p.port, 'carrier-rfc4733');
    const t0 = Date.now();
    const cdr = await outcomeOf(
      g,
      g.manager.dial({ to: '17001234567-1234', trunk: 'carrier', plan: 'no-prompt-short' }),
      8000,
    );
    assert.equal(cdr.dialing?.outcome, 'failed');
    assert.equal(cdr.dialing?.detail, 'no_prompt');
    assert.equal(cdr.dialing?.digits.length, 0, 'no digits into silence');
    assert.ok(Date.now() - t0 < 6000, `ended by the 2 s prompt bound (${Date.now() - t0} ms)`);
    assert.equal(cdr.endCause.by, 'voicegate');
  });

  it('a platform that prompts for ever: the plan duration bound ends it (failed plan_timeout)', async () => {
    const p = await platform(
      Array.from({ length: 8 }, () => ({ type: 'play', file: PROMPT, bargeIn: false }) as const),
    );
    const g = await dialGate(p.port, 'carrier-rfc4733');
    const t0 = Date.now();
    const cdr = await outcomeOf(
      g,
      g.manager.dial({ to: '17001234567-1234', trunk: 'carrier', plan: 'endless-bounded' }),
      15_000,
    );
    assert.equal(cdr.dialing?.outcome, 'failed');
    assert.equal(cdr.dialing?.detail, 'plan_timeout');
    assert.ok(Date.now() - t0 < 12_000, `bounded by maxDurationMs 10 s (${Date.now() - t0} ms)`);
  });

  it("a platform that re-prompts after every attempt: invalid_extension after the platform's attempts", async () => {
    const p = await platform(
      Array.from({ length: 8 }, () => ({ type: 'play', file: PROMPT, bargeIn: false }) as const),
    );
    const g = await dialGate(p.port, 'carrier-rfc4733');
    const cdr = await outcomeOf(g, g.manager.dial({ to: '17091234567-1234', trunk: 'carrier' }), 30_000);
    assert.equal(cdr.dialing?.outcome, 'invalid_extension');
    assert.equal(cdr.dialing?.attempts, 2);
    assert.equal(cdr.dialing?.digits.length, 2);
  });

  it('an unknown trunk, a masked number, an unknown plan: refused at once with a code', async () => {
    const g = await dialGate(9, 'carrier-rfc4733');
    const a = g.manager.dial({ to: '17001234567-1234', trunk: 'nope' });
    assert.ok(!a.ok && a.error.code === 'unknown_trunk', JSON.stringify(!a.ok && a.error));
    const b = g.manager.dial({ to: '170****4567-1234', trunk: 'carrier' });
    assert.ok(!b.ok && b.error.code === 'invalid_number' && b.error.reason === 'masked_number');
    const c = g.manager.dial({ to: '17001234567-1234', trunk: 'carrier', plan: 'nope' });
    assert.ok(!c.ok && c.error.code === 'unknown_plan');
    const d = g.manager.dial({ to: '17001234567', trunk: 'carrier' });
    assert.ok(!d.ok && d.error.code === 'invalid_number', 'the platform requires an extension');
    assert.equal(g.manager.dialer?.live.size, 0);
    assert.equal(g.cdrs.length, 0, 'nothing was placed');
  });

  it('a trunk mapped to a carrier profile that is not loaded: unknown_trunk, never a crash', async () => {
    const g = new DialGate({ peerPort: 9, profiles, trunkProfile: 'no-such-profile' });
    dialGates.push(await g.start());
    const r = g.manager.dial({ to: '17001234567-1234', trunk: 'carrier' });
    assert.ok(!r.ok && r.error.code === 'unknown_trunk');
    assert.match(!r.ok ? r.error.message : '', /no-such-profile/);
  });

  it('malformed profiles: every problem reported with file:line and key, nothing half-loaded', () => {
    const bad = mkdtempSync(join(tmpdir(), 'vg-bad-profiles-'));
    dirs.push(bad);
    writeFileSync(join(bad, 'trunk-a.yaml'), 'kind: trunk\nname: a\nlimits: { callsPerSecond: -1 }\n');
    writeFileSync(
      join(bad, 'plan-b.yaml'),
      'kind: plan\nname: b\nsteps:\n  - sendDigits: { digits: "12x" }\n',
    );
    writeFileSync(join(bad, 'platform-c.yaml'), 'kind: platform\nname: c\nplan: missing\nfallback: true\n');
    writeFileSync(join(bad, 'broken.yaml'), 'kind: trunk\nname: [unclosed\n');
    assert.throws(
      () => loadProfiles(bad),
      (e: unknown) => {
        assert.ok(e instanceof ProfileError);
        const text = e.message;
        assert.match(text, /trunk-a\.yaml:\d+: key "limits\.callsPerSecond"/);
        assert.match(text, /broken\.yaml/);
        return true;
      },
    );
  });

  it('a flood beyond the trunk queue: queue_full with Retry-After, limits hold, all end, the manager drains', async () => {
    const p = await platform([
      { type: 'pause', ms: 400 },
      { type: 'hangup', cause: 16 },
    ]);
    const g = await dialGate(p.port, 'tight');
    const events: ManagerEvent[] = [];
    g.manager.subscribe((e) => events.push(e));
    let maxActive = 0;
    const watch = setInterval(() => {
      maxActive = Math.max(maxActive, g.manager.dialer!.trunkStats().carrier?.active ?? 0);
    }, 5);
    const starts = Array.from({ length: 20 }, (_, i) =>
      g.manager.dial({ to: `1380013${String(8000 + i)}`, trunk: 'carrier' }),
    );
    const accepted = starts.filter((s) => s.ok);
    const refused = starts.filter((s) => !s.ok);
    assert.equal(accepted.length, 4, '1 admitted at once + a queue of 3');
    for (const r of refused) {
      assert.ok(!r.ok && r.error.code === 'queue_full');
      assert.ok(!r.ok && r.error.retryAfterSeconds! >= 1);
    }
    await until(() => accepted.every((s) => s.ok && s.dial.state === 'ended'), 'every dial to end', 15_000);
    clearInterval(watch);
    assert.ok(maxActive <= 2, `at most 2 at once (saw ${maxActive})`);
    const dialing = events.filter((e) => e.type === 'call.dialing').map((e) => e.time);
    assert.equal(dialing.length, 4);
    for (let i = 1; i < dialing.length; i++)
      assert.ok(dialing[i]! - dialing[i - 1]! >= 190, `paced at 5 per second: ${dialing.join(',')}`);
    for (const s of accepted) assert.equal(s.ok && s.dial.result?.outcome, 'answered');
    assert.equal(g.manager.dialer!.trunkStats().carrier?.rejectedFull, 16);
    await Promise.race([
      g.manager.drain(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('drain stuck')), 3000)),
    ]);
    assert.equal(g.manager.dialer!.live.size, 0);
    assert.equal(g.manager.dialer!.trunkStats().carrier?.active, 0);
    const after = g.manager.dial({ to: '13800138000', trunk: 'carrier' });
    assert.ok(!after.ok && after.error.code === 'draining');
  });

  it('drain while dials wait in the queue: the queued ones end cancelled, the running one finishes', async () => {
    const p = await platform([
      { type: 'pause', ms: 300 },
      { type: 'hangup', cause: 16 },
    ]);
    const g = await dialGate(p.port, 'tight');
    const starts = Array.from({ length: 4 }, (_, i) =>
      g.manager.dial({ to: `1380013${String(9000 + i)}`, trunk: 'carrier' }),
    );
    assert.ok(starts.every((s) => s.ok));
    await Promise.race([
      g.manager.drain(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('drain stuck')), 5000)),
    ]);
    const outcomes = starts.map((s) => (s.ok ? `${s.dial.result?.outcome}/${s.dial.result?.detail}` : ''));
    assert.equal(outcomes[0], 'answered/answered');
    assert.deepEqual(outcomes.slice(1), Array(3).fill('failed/cancelled_shutdown'));
    assert.equal(g.cdrs.length, 4, 'a CDR for each, placed or not');
  });
});
