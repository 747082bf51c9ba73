/**
 * Speech in a call whose media runs at 16 kHz (`rate: 16000`) while the MRCP session runs at
 * 8 kHz (PCMU/PCMA): the caller's frames are resampled 16 → 8 kHz on their way to the recognizer,
 * the prompt 8 → 16 kHz on its way to the caller. SIPp says "yes" after the prompt; the built-in
 * PocketSphinx engine still hears it. ("no" is marginal for the engine even at 8 kHz, confidence
 * about 0.5, and turns to no-match after 8 → 16 → 8 kHz; see docs/handoffs/speech-calls.md.)
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { GatherPayload } from '../../src/call/index.js';
import { until } from './harness.js';
import { speechGate, stopSpeechGates } from './speech-harness.js';
import { runSippSpeech, utteranceDir } from './speech-sipp.js';

after(stopSpeechGates);

describe('speech at a 16 kHz call rate', () => {
  it('prompt, then "yes" → speechDetected true, through the resamplers', async () => {
    const g = await speechGate({
      rate: 16000,
      apps: [
        {
          name: 'wide',
          steps: [
            { type: 'answer' },
            {
              type: 'gather',
              input: ['speech'],
              bargein: false,
              timeout: 5,
              say: { text: 'Please say yes or no.' },
              recognizer: { grammars: [{ uri: 'builtin:grammar/boolean' }] },
            },
            { type: 'hangup', cause: 16 },
          ],
          maxDurationMs: 30_000,
        },
      ],
    });
    const dir = utteranceDir('yes');
    try {
      const r = await runSippSpeech({
        scenario: 'uac-speech-utterance.xml',
        port: g.port,
        pauseMs: 2500,
        cwd: dir,
      });
      assert.equal(r.code, 0, r.errors.slice(0, 2000));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await until(() => g.cdrs.length === 1, 'the CDR');
    const steps = g.lastSteps;
    assert.deepEqual(
      steps.map((s) => `${s.type}:${s.outcome}`),
      ['answer:done', 'gather:done', 'hangup:done'],
    );
    const p = steps[1]!.payload as GatherPayload;
    assert.equal(p.reason, 'speechDetected', JSON.stringify(p));
    assert.equal(p.speech!.alternatives[0]!.interpretation, 'true');
    await until(() => Object.values(g.leaks()).every((n) => n === 0), 'zero', 8000).catch(() =>
      assert.fail(JSON.stringify(g.leaks())),
    );
  });
});
