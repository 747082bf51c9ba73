import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyRejection, OUTCOMES, resolveDial } from '../../src/dialing/index.js';
import { classifyRemoteEnd, phraseOutcome } from '../../src/dialing/outcome.js';
import { repromptTarget } from '../../src/dialing/job.js';
import { PROFILES } from './harness.js';

describe('outcome classification', () => {
  it('final responses before the digits are about X', () => {
    const o = (c: number) => classifyRejection(c, false).outcome;
    assert.deepEqual([486, 600].map(o), ['x_busy', 'x_busy']);
    assert.deepEqual([408, 480, 487].map(o), ['x_no_answer', 'x_no_answer', 'x_no_answer']);
    assert.deepEqual([403, 404, 484, 503, 603].map(o), [
      'x_rejected',
      'x_rejected',
      'x_rejected',
      'x_rejected',
      'x_rejected',
    ]);
    assert.equal(classifyRejection(503, false).detail, 'sip_503');
  });

  it('final responses after the digits are about the customer', () => {
    const o = (c: number) => classifyRejection(c, true);
    assert.equal(o(486).outcome, 'customer_busy');
    assert.equal(o(480).outcome, 'customer_no_answer');
    assert.deepEqual(o(500), { outcome: 'failed', detail: 'sip_500_after_digits' });
  });

  it('phrases after the digits', () => {
    assert.deepEqual(phraseOutcome('busy'), { outcome: 'customer_busy', detail: 'busy_phrase' });
    assert.deepEqual(phraseOutcome('noAnswer'), {
      outcome: 'customer_no_answer',
      detail: 'no_answer_phrase',
    });
    assert.deepEqual(phraseOutcome('unavailable'), {
      outcome: 'customer_no_answer',
      detail: 'unavailable_phrase',
    });
    assert.deepEqual(phraseOutcome('error'), { outcome: 'failed', detail: 'platform_error_phrase' });
    assert.equal(phraseOutcome('prompt'), undefined);
    assert.equal(phraseOutcome('invalid'), undefined);
  });

  it('a hang-up by the far end, by what was heard', () => {
    const base = { digitsSent: true, heard: [] as string[], busyTone: undefined, ringingHeard: false };
    assert.deepEqual(classifyRemoteEnd({ ...base, digitsSent: false, heard: ['prompt', 'error'] }), {
      outcome: 'failed',
      detail: 'platform_error_phrase',
    });
    assert.equal(classifyRemoteEnd({ ...base, digitsSent: false }).detail, 'platform_hangup');
    assert.equal(
      classifyRemoteEnd({ ...base, busyTone: 'congestion' }).detail,
      'congestion_tone_then_hangup',
    );
    assert.equal(classifyRemoteEnd({ ...base, heard: ['prompt', 'invalid'] }).outcome, 'invalid_extension');
    assert.equal(classifyRemoteEnd({ ...base, ringingHeard: true }).outcome, 'customer_no_answer');
    assert.equal(classifyRemoteEnd(base).detail, 'platform_hangup');
  });

  it("the outcome list is the issue's eight plus answered for plain numbers", () => {
    assert.deepEqual(OUTCOMES, [
      'reached_extension',
      'invalid_extension',
      'customer_busy',
      'customer_no_answer',
      'x_busy',
      'x_no_answer',
      'x_rejected',
      'failed',
      'answered',
    ]);
  });

  it('a re-prompt resumes at the prompt wait before the digits, else at the digits', () => {
    const job = resolveDial(PROFILES, { to: '17031234567-1234', trunk: 'carrier-inband' });
    assert.ok(job.ok);
    // waitFor, waitPromptEnd, pause, sendDigits, onReprompt, verifyConnect
    assert.equal(repromptTarget(job.value.steps, 3), 1);
    const noWait = job.value.steps.filter((s) => s.type !== 'waitPromptEnd');
    assert.equal(repromptTarget(noWait, 2), 2);
  });
});
