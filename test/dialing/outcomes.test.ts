import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dial, stepResults } from './harness.js';

const TRUNK = 'carrier-rfc4733';
const FP = { to: '17001234567-1234', trunk: TRUNK };
const GENERIC = { to: '13800138000-56', trunk: TRUNK };

describe('outcomes', () => {
  it('invalid_extension: the prompt comes back after every one of 3 sends', () => {
    const { r, p } = dial(FP, { ext: undefined });
    assert.equal(r.outcome, 'invalid_extension');
    assert.equal(r.detail, 'reprompted_prompt');
    assert.equal(r.attempts, 3);
    assert.deepEqual(
      r.digits.map((d) => [d.digits, d.attempt]),
      [
        ['1234#', 1],
        ['1234#', 2],
        ['1234#', 3],
      ],
    );
    assert.deepEqual(p.hangups, ['invalid_extension']);
    assert.equal(p.promptCount, 4);
  });

  it('invalid_extension via the "分机号无效" phrase, then the re-prompt is waited out each time', () => {
    const { r, p } = dial(FP, { ext: undefined, invalidPhrase: true });
    assert.equal(r.outcome, 'invalid_extension');
    assert.equal(r.detail, 'reprompted_invalid');
    assert.equal(r.attempts, 3);
    // Each resend waited for the re-played prompt to end (fingerprint_end), not the invalid phrase.
    const waits = stepResults(r).filter((s) => s.startsWith('waitPromptEnd'));
    assert.deepEqual(waits, [
      'waitPromptEnd:fingerprint_end',
      'waitPromptEnd:fingerprint_end',
      'waitPromptEnd:fingerprint_end',
    ]);
    assert.equal(p.sent.length, 3);
  });

  it('a lost digit: re-prompt, resend, reached on attempt 2', () => {
    const { r } = dial(FP, { ext: '1234', dropFirst: 1, invalidPhrase: true });
    assert.equal(r.outcome, 'reached_extension');
    assert.equal(r.attempts, 2);
    assert.deepEqual(r.heard.slice(0, 3), ['prompt', 'invalid', 'prompt']);
  });

  it('generic scheme: endless re-prompts recognised by the learnt prompt end as invalid_extension', () => {
    const { r, p } = dial(GENERIC, { ext: undefined });
    assert.equal(r.outcome, 'invalid_extension');
    assert.equal(r.attempts, 3);
    assert.equal(p.learned.length, 1, 'learnt once, not on every re-prompt');
  });

  it('generic scheme: re-prompt then success', () => {
    const { r } = dial(GENERIC, { ext: '56', dropFirst: 2 });
    assert.equal(r.outcome, 'reached_extension');
    assert.equal(r.attempts, 3);
  });

  it('customer_busy: busy tone, congestion tone, busy phrase, 486 after the digits', () => {
    const tone = dial(FP, { ext: '1234', afterAccept: 'busy-tone' }).r;
    assert.deepEqual([tone.outcome, tone.detail], ['customer_busy', 'busy_tone']);
    const cong = dial(FP, { ext: '1234', afterAccept: 'congestion' }).r;
    assert.deepEqual([cong.outcome, cong.detail], ['customer_busy', 'congestion_tone']);
    const phrase = dial(FP, { ext: '1234', afterAccept: 'busy-phrase' });
    assert.deepEqual([phrase.r.outcome, phrase.r.detail], ['customer_busy', 'busy_phrase']);
    assert.deepEqual(phrase.p.hangups, ['customer_busy']);
    const sip = dial(
      { to: '17011234567-1234', trunk: TRUNK },
      { scheme: 'early', ext: '1234', afterAccept: 'reject-486' },
    );
    assert.deepEqual([sip.r.outcome, sip.r.sipCode, sip.r.reason], ['customer_busy', 486, 'Q.850;cause=17']);
    assert.deepEqual(sip.p.hangups, [], 'the platform already ended it');
  });

  it('customer_no_answer: ringing past the timeout, a no-answer phrase, hang-up after ringing', () => {
    const ring = dial(FP, { ext: '1234', afterAccept: 'ringing-forever' }).r;
    assert.deepEqual([ring.outcome, ring.detail], ['customer_no_answer', 'ringing_timeout']);
    assert.ok(ring.durationMs > 60_000 && ring.durationMs < 80_000);
    const phrase = dial(FP, { ext: '1234', afterAccept: 'no-answer-phrase' }).r;
    assert.deepEqual([phrase.outcome, phrase.detail], ['customer_no_answer', 'no_answer_phrase']);
    const bye = dial(FP, { ext: '1234', afterAccept: 'hangup-after-ring' }).r;
    assert.deepEqual(
      [bye.outcome, bye.detail, bye.reason],
      ['customer_no_answer', 'hangup_after_ringing', 'Q.850;cause=19;text="No answer"'],
    );
  });

  it('x_busy: 486 to the INVITE, with its Reason', () => {
    const { r, p } = dial(FP, { x: 'busy-486' });
    assert.deepEqual([r.outcome, r.sipCode, r.reason], ['x_busy', 486, 'Q.850;cause=17;text="User busy"']);
    assert.equal(r.attempts, 0);
    assert.deepEqual(p.hangups, []);
  });

  it('x_no_answer: nothing within the trunk answer timeout (CANCEL), or 480', () => {
    const t = dial(FP, { x: 'never-answers' });
    assert.deepEqual([t.r.outcome, t.r.detail], ['x_no_answer', 'answer_timeout']);
    assert.equal(t.r.durationMs, 45_000);
    assert.deepEqual(t.p.hangups, ['x_no_answer']);
    const u = dial(FP, { x: 'unavailable-480' });
    assert.deepEqual([u.r.outcome, u.r.sipCode], ['x_no_answer', 480]);
  });

  it('x_rejected: 403 before the answer', () => {
    const { r } = dial(FP, { x: 'forbidden-403' });
    assert.deepEqual(
      [r.outcome, r.detail, r.sipCode, r.reason],
      ['x_rejected', 'sip_403', 403, 'SIP;cause=403;text="Caller barred"'],
    );
  });

  it('failed: the platform error phrase, then BYE (no usable extension)', () => {
    const { r } = dial(FP, { ext: undefined, errorAfterWrong: 1 });
    assert.deepEqual([r.outcome, r.detail], ['failed', 'platform_error_phrase']);
    assert.deepEqual(r.heard, ['prompt', 'error']);
  });

  it('failed: transport failure, no DTMF transport, DTMF refused on every method', () => {
    assert.equal(dial(FP, { x: 'transport-failure' }).r.detail, 'call_failed: no route to trunk');
    const none = dial(FP, { ext: '1234', caps: { rfc4733: false, info: false, inband: false } });
    assert.deepEqual([none.r.outcome, none.r.detail], ['failed', 'dtmf_unavailable']);
    assert.deepEqual(none.p.hangups, ['plan_failed']);
    const info = dial(
      { to: '17021234567-1234', trunk: 'carrier-info' },
      { ext: '1234', failingMethods: ['info'] },
    );
    assert.deepEqual([info.r.outcome, info.r.detail, info.r.sipCode], ['failed', 'dtmf_failed', 415]);
  });

  it('method auto falls back to the next method when one is refused', () => {
    const { r } = dial(GENERIC, { ext: '56', failingMethods: ['rfc4733'] });
    assert.equal(r.outcome, 'reached_extension');
    assert.deepEqual(
      r.digits.map((d) => [d.method, d.ok]),
      [
        ['rfc4733', false],
        ['inband', true],
      ],
    );
  });

  it('speech without ringback is not taken for the customer (requireRingback)', () => {
    const { r } = dial(FP, { ext: '1234', afterAccept: 'speech-without-ringback' });
    assert.deepEqual([r.outcome, r.detail], ['failed', 'no_progress']);
  });

  it('connectOnAnswer: a 200 after the digits on an early-media platform', () => {
    const { r } = dial(
      { to: '17011234567-1234', trunk: TRUNK },
      { scheme: 'early', ext: '1234', afterAccept: 'answer-200' },
      {
        job: (j) => ({
          ...j,
          steps: j.steps.map((s) => (s.type === 'verifyConnect' ? { ...s, connectOnAnswer: true } : s)),
        }),
      },
    );
    assert.deepEqual([r.outcome, r.detail], ['reached_extension', 'answered_after_digits']);
  });
});

describe('hostile cases are bounded', () => {
  it('no prompt ever: failed/no_prompt at maxWaitMs', () => {
    const { r, p } = dial(FP, { prompt: 'none', ext: '1234' });
    assert.deepEqual([r.outcome, r.detail], ['failed', 'no_prompt']);
    assert.equal(r.durationMs - r.timings.answeredMs!, 15_000);
    assert.deepEqual(p.hangups, ['plan_failed']);
    assert.equal(r.digits.length, 0);
  });

  it('a prompt that never ends: failed/prompt_never_ended (VAD never hears silence)', () => {
    const { r } = dial(GENERIC, { prompt: 'endless', ext: '56' });
    assert.deepEqual([r.outcome, r.detail], ['failed', 'prompt_never_ended']);
  });

  it('the whole plan is bounded by maxDurationMs', () => {
    const { r } = dial(
      FP,
      { ext: '1234', afterAccept: 'ringing-forever' },
      { job: (j) => ({ ...j, maxDurationMs: 20_000 }) },
    );
    assert.deepEqual([r.outcome, r.detail, r.durationMs], ['failed', 'plan_timeout', 20_000]);
  });

  for (const [ms, where] of [
    [1000, 'waitFor'],
    [4000, 'waitPromptEnd'],
    [6700, 'sendDigits'],
    [8000, 'onReprompt'],
    [20_000, 'verifyConnect'],
  ] as const) {
    it(`cancellable in ${where}`, () => {
      const { r, p } = dial(
        FP,
        { ext: '1234', afterAccept: 'ringing-forever' },
        { cancelAt: { ms, cause: 'shutdown' } },
      );
      assert.deepEqual([r.outcome, r.detail, r.cancelled], ['failed', 'cancelled_shutdown', 'shutdown']);
      assert.equal(r.steps.at(-1)!.type, where);
      assert.deepEqual(p.hangups, ['cancelled']);
    });
  }

  it('cancel by API hangup and by the caller going away; cancelling twice is harmless', () => {
    const a = dial(FP, { ext: '1234' }, { cancelAt: { ms: 3000, cause: 'api_hangup' } });
    assert.equal(a.r.detail, 'cancelled_api_hangup');
    a.runner.cancel('shutdown');
    assert.equal(a.runner.outcome!.detail, 'cancelled_api_hangup');
    const c = dial(FP, { ext: '1234' }, { cancelAt: { ms: 3000, cause: 'caller_gone' } });
    assert.equal(c.r.cancelled, 'caller_gone');
  });
});

describe('a misbehaving call layer does not break the runner', () => {
  it('sendDigits throwing ends the run as failed/control_error; a throwing stopAnalysis is logged', async () => {
    const { FakePlatform } = await import('./fake-platform.js');
    const { PlanRunner, resolveDial } = await import('../../src/dialing/index.js');
    const { PROFILES } = await import('./harness.js');
    const job = resolveDial(PROFILES, FP);
    assert.ok(job.ok);
    const p = new FakePlatform({ ext: '1234' });
    p.sendDigits = () => {
      throw new Error('socket gone');
    };
    p.stopAnalysis = () => {
      throw new Error('already stopped');
    };
    const runner = new PlanRunner(p, job.value, { callId: 'call-1', logger: p.logger });
    const done = runner.start();
    p.raw.runUntil(() => runner.outcome !== undefined, 60_000);
    const r = await done;
    assert.deepEqual([r.outcome, r.detail], ['failed', 'control_error']);
    assert.deepEqual(
      p.logs.filter((l) => l.level === 'error').map((l) => l.meta.error),
      ['socket gone', 'already stopped'],
    );
    assert.equal(p.clock.outstanding, 0);
  });
});
