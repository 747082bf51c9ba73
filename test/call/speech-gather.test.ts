/**
 * `gather` end to end, SIPp placing the call, the built-in MRCP server with espeak-ng and
 * PocketSphinx answering the call's one speech session:
 * - DTMF from SIPp's RFC 4733 captures during a spoken prompt → `dtmfDetected` with the digits;
 * - "yes" and "no" (pcaps made with espeak-ng) against `builtin:grammar/boolean` →
 *   `speechDetected` with the right interpretation;
 * - out-of-grammar speech → `noMatch`; silence → `timeout`; an unknown builtin → `error` with the
 *   recognizer's cause;
 * - afterwards nothing is left: sessions, channels, RTP ports, timers all back to zero.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AppSpec, GatherPayload, GatherSpec } from '../../src/call/index.js';
import { until } from './harness.js';
import { speechGate, stopSpeechGates, type SpeechGate } from './speech-harness.js';
import { runSippSpeech, utteranceDir } from './speech-sipp.js';

const PROMPT = 'Please say yes or no.';
const LONG_PROMPT =
  'Thank you for calling. For sales, press two. For support, press four. To hear these options again, stay on the line.';

function gatherApp(name: string, gather: Omit<GatherSpec, 'type'>, after: AppSpec['steps'] = []): AppSpec {
  return {
    name,
    steps: [{ type: 'answer' }, { type: 'gather', ...gather }, ...after, { type: 'hangup', cause: 16 }],
    maxDurationMs: 30_000,
  };
}

const boolean = { grammars: [{ uri: 'builtin:grammar/boolean' }] };

let g: SpeechGate;
before(async () => {
  g = await speechGate({
    apps: [
      gatherApp('keys', { input: ['digits'], finishOnKey: '#', timeout: 5, say: { text: LONG_PROMPT } }, [
        { type: 'say', text: 'You entered {digits}.' },
      ]),
      gatherApp('yesno', {
        input: ['speech'],
        bargein: false,
        timeout: 5,
        say: { text: PROMPT },
        recognizer: boolean,
      }),
      gatherApp('silence', {
        input: ['speech'],
        timeout: 1,
        say: { text: 'Say something.' },
        recognizer: boolean,
      }),
      gatherApp('unknown', {
        input: ['speech'],
        say: { text: LONG_PROMPT },
        recognizer: { grammars: [{ uri: 'builtin:grammar/no-such-thing' }] },
      }),
    ],
    routes: [
      { calledPrefix: '1', app: 'keys' },
      { calledPrefix: '2', app: 'yesno' },
      { calledPrefix: '3', app: 'silence' },
      { calledPrefix: '4', app: 'unknown' },
    ],
  });
});
after(stopSpeechGates);

async function call(scenario: string, service: string, pauseMs: number, cwd?: string): Promise<void> {
  const before = g.cdrs.length;
  const r = await runSippSpeech({ scenario, port: g.port, service, pauseMs, ...(cwd ? { cwd } : {}) });
  assert.equal(r.code, 0, `sipp exit ${r.code}\n${r.errors.slice(0, 2000)}\n${r.stderr.slice(0, 1000)}`);
  await until(() => g.cdrs.length > before, 'the CDR');
}

function gathered(): GatherPayload {
  const rec = g.lastSteps.find((s) => s.type === 'gather');
  assert.ok(rec, 'a gather ran');
  return rec.payload as GatherPayload;
}

describe('gather, end to end', () => {
  it('DTMF during the spoken prompt: the prompt stops, the digits come back; the session is reused', async () => {
    await call('uac-speech-dtmf-pcaps.xml', '100', 1500);
    assert.deepEqual(gathered(), { reason: 'dtmfDetected', digits: '24' });
    assert.deepEqual(
      g.lastSteps.map((s) => `${s.type}:${s.outcome}`),
      ['answer:done', 'gather:done', 'say:done', 'hangup:done'],
    );
    assert.equal(g.calls.at(-1)!.speech()?.opened ?? 1, 1, 'one MRCP session for the two speech steps');
    assert.equal(g.cdrs.at(-1)!.digits, '24#');
  });

  for (const [word, instance] of [
    ['yes', 'true'],
    ['no', 'false'],
  ] as const) {
    it(`"${word}" after the prompt → speechDetected, interpretation ${instance}`, async () => {
      const dir = utteranceDir(word);
      try {
        await call('uac-speech-utterance.xml', '200', 2500, dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const p = gathered();
      assert.equal(p.reason, 'speechDetected', JSON.stringify(p));
      const top = p.speech!.alternatives[0]!;
      assert.equal(top.interpretation, instance);
      assert.match(top.transcript, word === 'yes' ? /^(yes|yep|yeah)$/ : /^(no|nope)$/);
      assert.ok(top.confidence > 0 && top.confidence <= 1);
      assert.equal(p.speech!.is_final, true);
      assert.equal(p.speech!.language_code, 'en-US');
      assert.equal(g.calls.at(-1)!.vars.get('interpretation'), instance);
    });
  }

  it('out-of-grammar speech → noMatch', async () => {
    const dir = utteranceDir('purple elephant umbrella');
    try {
      await call('uac-speech-utterance.xml', '200', 2500, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(gathered(), { reason: 'noMatch', cause: 'no-match' });
  });

  it('nothing said → timeout (the recognizer’s no-input timer, started when the prompt ended)', async () => {
    const t0 = Date.now();
    await call('uac-wait-bye.xml', '300', 0);
    assert.deepEqual(gathered(), { reason: 'timeout', cause: 'no-input-timeout' });
    const rec = g.lastSteps.find((s) => s.type === 'gather')!;
    assert.equal(rec.outcome, 'timeout');
    assert.ok(rec.endMs - rec.startMs >= 1000, 'not before the timeout');
    assert.ok(Date.now() - t0 < 10_000);
  });

  it('an unknown builtin grammar → error with the recognizer’s cause, the prompt cut', async () => {
    await call('uac-wait-bye.xml', '400', 0);
    const p = gathered();
    assert.equal(p.reason, 'error');
    assert.equal(p.cause, 'grammar-load-failure');
    const rec = g.lastSteps.find((s) => s.type === 'gather')!;
    assert.equal(rec.outcome, 'failed');
    assert.ok(rec.endMs - rec.startMs < 2000, 'failed at once, not after the long prompt');
  });

  it('nothing is left behind: sessions, channels, RTP ports, timers', async () => {
    await until(() => Object.values(g.leaks()).every((n) => n === 0), 'zero', 8000).catch(() =>
      assert.fail(JSON.stringify(g.leaks())),
    );
  });
});
