/**
 * Speech steps when things go wrong, end to end (SIPp places the calls, the built-in MRCP server
 * in process):
 * - the caller hangs up during a say, a gather prompt and a gather's recognition: the steps end
 *   `ended`, the MRCP session is closed (the server's session table back to 0), nothing is left;
 * - hostile documents through the call path — SSML with entity expansion, 5,000 nested elements,
 *   1 MB and 2 MB of text; SRGS with a recursive rule, 100,000 items (ABNF and XML), an unknown
 *   builtin — each a clean error cause on its step, the call and its session go on, memory stays
 *   bounded, and a call running at the same time gets its "yes" recognised.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AppSpec, GatherPayload, SayPayload, StepRecord } from '../../src/call/index.js';
import { until } from './harness.js';
import { speechGate, stopSpeechGates, type SpeechGate } from './speech-harness.js';
import { runSippSpeech, utteranceDir } from './speech-sipp.js';

const LONG_PROMPT =
  'for sales press two for support press four for billing press six for the operator press zero and to hear these options again stay on the line';
const SRGS = 'application/srgs+xml';
const ABNF = 'application/srgs';

const LOL =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">' +
  '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><speak>&lol4;</speak>';
const DEEP = '<speak>' + '<prosody rate="slow">'.repeat(5000) + 'x' + '</prosody>'.repeat(5000) + '</speak>';
const HUGE_1MB = '<speak>' + 'word '.repeat(200_000) + '</speak>';
const HUGE_2MB = '<speak>' + 'word '.repeat(400_000) + '</speak>';
const RECURSIVE =
  '<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" root="r"><rule id="r"><item>yes</item><ruleref uri="#r"/></rule></grammar>';
const ITEMS_ABNF = `#ABNF 1.0;\nroot $r;\n$r = ${Array.from({ length: 100_000 }, () => 'yes').join('|')};`;
const ITEMS_XML =
  '<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" root="r"><rule id="r"><one-of>' +
  '<item>yes</item>'.repeat(100_000) +
  '</one-of></rule></grammar>';

const hostileSteps: AppSpec['steps'] = [
  { type: 'answer' },
  { type: 'say', text: LOL },
  { type: 'say', text: DEEP },
  { type: 'say', text: HUGE_1MB },
  { type: 'say', text: HUGE_2MB },
  {
    type: 'gather',
    input: ['speech'],
    timeout: 2,
    recognizer: { grammars: [{ body: RECURSIVE, contentType: SRGS }] },
  },
  {
    type: 'gather',
    input: ['speech'],
    timeout: 2,
    recognizer: { grammars: [{ body: ITEMS_ABNF, contentType: ABNF }] },
  },
  {
    type: 'gather',
    input: ['speech'],
    timeout: 2,
    recognizer: { grammars: [{ body: ITEMS_XML, contentType: SRGS }] },
  },
  {
    type: 'gather',
    input: ['speech'],
    timeout: 2,
    recognizer: { grammars: [{ uri: 'builtin:grammar/nonsense' }] },
  },
  { type: 'say', text: 'Still here.' },
  { type: 'hangup', cause: 16 },
];

const app = (name: string, steps: AppSpec['steps']): AppSpec => ({ name, steps, maxDurationMs: 30_000 });

let g: SpeechGate;
before(async () => {
  g = await speechGate({
    apps: [
      app('say-long', [
        { type: 'answer' },
        { type: 'say', text: LONG_PROMPT },
        { type: 'hangup', cause: 16 },
      ]),
      app('gather-long', [
        { type: 'answer' },
        {
          type: 'gather',
          input: ['speech', 'digits'],
          say: { text: LONG_PROMPT },
          recognizer: { grammars: [{ uri: 'builtin:grammar/boolean' }] },
        },
        { type: 'hangup', cause: 16 },
      ]),
      app('gather-listen', [
        { type: 'answer' },
        {
          type: 'gather',
          input: ['speech'],
          timeout: 8,
          recognizer: { grammars: [{ uri: 'builtin:grammar/boolean' }] },
        },
        { type: 'hangup', cause: 16 },
      ]),
      app('hostile', hostileSteps),
      app('yesno', [
        { type: 'answer' },
        {
          type: 'gather',
          input: ['speech'],
          timeout: 8,
          recognizer: { grammars: [{ uri: 'builtin:grammar/boolean' }] },
        },
        { type: 'hangup', cause: 16 },
      ]),
    ],
    routes: [
      { calledPrefix: '81', app: 'say-long' },
      { calledPrefix: '82', app: 'gather-long' },
      { calledPrefix: '83', app: 'hostile' },
      { calledPrefix: '84', app: 'yesno' },
      { calledPrefix: '85', app: 'gather-listen' },
    ],
  });
});
after(stopSpeechGates);

/** The step records of the last call that ran the application `name`. */
function recordsOf(name: string): StepRecord[] {
  const call = g.calls.findLast((c) => c.app?.name === name);
  assert.ok(call, `a call ran ${name}`);
  return call.executor.records;
}

const zero = (): Promise<void> =>
  until(() => Object.values(g.leaks()).every((n) => n === 0), 'zero', 8000).catch(() =>
    assert.fail(JSON.stringify(g.leaks())),
  );

describe('caller hangs up during a speech step', () => {
  for (const [what, service, step, name] of [
    ['say', '81', 'say', 'say-long'],
    ['gather prompt', '82', 'gather', 'gather-long'],
    ['gather recognition (no prompt)', '85', 'gather', 'gather-listen'],
  ] as const) {
    it(`during a ${what}: the step ends, the MRCP session is closed on the server`, async () => {
      const n = g.cdrs.length;
      let sawSession = false;
      const watch = setInterval(() => (sawSession ||= (g.server?.sessionCount ?? 0) > 0), 20);
      try {
        const r = await runSippSpeech({
          scenario: 'uac-hangup-after.xml',
          port: g.port,
          service,
          pauseMs: 1500,
        });
        assert.equal(r.code, 0, r.errors.slice(0, 2000));
        await until(() => g.cdrs.length > n, 'the CDR');
      } finally {
        clearInterval(watch);
      }
      assert.ok(sawSession, 'a session was open during the call');
      const rec = recordsOf(name).find((s) => s.type === step);
      assert.equal(rec?.outcome, 'ended');
      assert.equal(g.cdrs.at(-1)!.endCause.by, 'caller');
      await until(() => g.server?.sessionCount === 0, 'the server session closed', 3000);
      await zero();
    });
  }
});

describe('hostile documents through the call path', () => {
  it('each fails its step with a clean cause; the call goes on; memory bounded; a concurrent call unaffected', async () => {
    let peak = process.memoryUsage().heapUsed;
    const base = peak;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
    const dir = utteranceDir('yes', 200, 1500);
    try {
      const [hostile, normal] = await Promise.all([
        runSippSpeech({ scenario: 'uac-wait-bye.xml', port: g.port, service: '83', pauseMs: 0 }),
        runSippSpeech({
          scenario: 'uac-speech-utterance.xml',
          port: g.port,
          service: '84',
          pauseMs: 2500,
          cwd: dir,
        }),
      ]);
      assert.equal(hostile.code, 0, hostile.errors.slice(0, 2000));
      assert.equal(normal.code, 0, normal.errors.slice(0, 2000));
    } finally {
      clearInterval(sampler);
      rmSync(dir, { recursive: true, force: true });
    }
    await until(() => g.cdrs.length >= 2, 'the CDRs');
    const recs = recordsOf('hostile');
    const got = recs.map((s) => {
      const p = s.payload as (SayPayload & GatherPayload) | undefined;
      return `${s.type}:${s.outcome}:${p?.reason ?? ''}:${p?.cause ?? ''}`;
    });
    assert.deepEqual(got, [
      'answer:done::',
      'say:failed::parse-failure', // entity expansion: DOCTYPE refused
      'say:failed::parse-failure', // 5,000 nested elements: over the SSML size/depth bounds
      'say:failed::parse-failure', // 1 MB: over the SSML size bound
      'say:failed::message-too-large', // 2 MB: over the MRCP message bound, never sent
      'gather:failed:error:grammar-compilation-failure', // recursive rule
      'gather:failed:error:grammar-compilation-failure', // 100,000 items (ABNF, 400 kB)
      'gather:failed:error:message-too-large', // 100,000 items (XML, 1.6 MB)
      'gather:failed:error:grammar-load-failure', // unknown builtin
      'say:done::normal', // the session still works
      'hangup:done::',
    ]);
    for (const r of recs.slice(1, -2)) assert.ok(r.endMs - r.startMs < 2000, `${r.type} failed at once`);
    const call = g.calls.findLast((c) => c.app?.name === 'hostile')!;
    assert.equal(call.speech()?.opened, 1, 'one MRCP session for the whole call: none was torn down');
    const normal = recordsOf('yesno').find((s) => s.type === 'gather')!;
    assert.equal((normal.payload as GatherPayload).reason, 'speechDetected');
    assert.ok(peak - base < 96 << 20, `heap grew ${((peak - base) / 1048576).toFixed(0)} MB`);
    await zero();
  });
});
