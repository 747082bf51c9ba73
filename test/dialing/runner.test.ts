import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dial, stepResults } from './harness.js';

const TRUNK = 'carrier-rfc4733';

describe('plan runner: every scheme reaches the extension', () => {
  it('answered prompt + RFC 4733 (fingerprint of the prompt recording)', () => {
    const { r, p } = dial({ to: '17001234567-1234', trunk: TRUNK }, { scheme: 'answered', ext: '1234' });
    assert.equal(r.outcome, 'reached_extension');
    assert.equal(r.detail, 'speech');
    assert.equal(r.platform, 'answered-rfc4733');
    assert.equal(r.plan, 'answered-rfc4733');
    assert.equal(r.requestUser, '+8617001234567');
    assert.equal(p.originated?.requestUser, '+8617001234567');
    assert.deepEqual(
      r.digits.map((d) => [d.digits, d.method, d.attempt, d.ok]),
      [['1234#', 'rfc4733', 1, true]],
    );
    assert.equal(r.attempts, 1);
    assert.deepEqual(stepResults(r), [
      'waitFor:answered',
      'waitPromptEnd:fingerprint_end',
      'sendDigits:sent',
      'onReprompt:progress_heard',
      'verifyConnect:speech',
    ]);
    const t = r.timings;
    assert.ok(
      t.answeredMs! < t.promptEndMs! && t.promptEndMs! <= t.firstDigitMs! && t.firstDigitMs! < t.lastDigitMs!,
    );
    assert.ok(t.lastDigitMs! < t.ringbackMs! && t.ringbackMs! < t.connectedMs!);
    // The prompt ends 4.3 s after the 200 OK; digits go 200 ms later (afterMs).
    assert.equal(t.firstDigitMs! - t.answeredMs!, 300 + 4000 + 20 + 200);
    assert.deepEqual(p.hangups, [], 'a reached customer is not hung up on');
    assert.equal(p.analysis?.references.length, 5);
    assert.ok(p.logs.some((l) => l.msg === 'dial heard' && l.meta.source === 'fingerprint'));
  });

  it('early-media prompt (183) + RFC 4733: digits before any 200', () => {
    const { r, p } = dial({ to: '17011234567转1234', trunk: TRUNK }, { scheme: 'early', ext: '1234' });
    assert.equal(r.outcome, 'reached_extension');
    assert.equal(r.platform, 'early-media-rfc4733');
    assert.equal(r.timings.answeredMs, undefined);
    assert.ok(r.timings.earlyMediaMs! > 0);
    assert.equal(stepResults(r)[0], 'waitFor:early_media');
    assert.equal(p.wasAnswered, false);
  });

  it('INFO-only trunk: the digits go as SIP INFO', () => {
    const { r } = dial(
      { to: '17021234567-1234', trunk: 'carrier-info' },
      { ext: '1234', caps: { rfc4733: false } },
    );
    assert.equal(r.outcome, 'reached_extension');
    assert.deepEqual(
      r.digits.map((d) => [d.digits, d.method]),
      [['1234#', 'info']],
    );
    assert.equal(r.requestUser, '17021234567');
  });

  it('in-band-only path: tones in the audio, after a pause', () => {
    const { r, p } = dial(
      { to: '17031234567-1234', trunk: 'carrier-inband' },
      { ext: '1234', caps: { rfc4733: false, info: false } },
    );
    assert.equal(r.outcome, 'reached_extension');
    assert.deepEqual(
      p.sent.map((s) => [s.digits, s.method, s.toneMs, s.gapMs]),
      [['1234#', 'inband', 120, 120]],
    );
    assert.ok(stepResults(r).includes('pause:elapsed'));
  });

  it('generic scheme: VAD prompt end, learnt from the call, trunk method order', () => {
    const { r, p } = dial({ to: '13800138000-56', trunk: TRUNK }, { ext: '56' });
    assert.equal(r.outcome, 'reached_extension');
    assert.equal(r.platform, 'generic');
    assert.deepEqual(
      r.digits.map((d) => [d.digits, d.method]),
      [['56#', 'rfc4733']],
    );
    assert.equal(stepResults(r)[1], 'waitPromptEnd:silence');
    assert.equal(p.learned.length, 1);
    assert.ok(p.learned[0]!.toMs - p.learned[0]!.fromMs >= 3900, 'the whole prompt was learnt');
    assert.equal(p.analysis?.learn, true);
  });

  it('generic scheme, in-band on a G.711 path without telephone-event (auto)', () => {
    const { r } = dial(
      { to: '13800138000-56', trunk: TRUNK },
      { ext: '56', caps: { rfc4733: false, info: false } },
    );
    assert.equal(r.outcome, 'reached_extension');
    assert.equal(r.digits[0]!.method, 'inband');
  });

  it('extension in the Request-URI user part on a private trunk', () => {
    const { r, p } = dial(
      { to: '13800138000-1234', trunk: 'private-ext', plan: 'dial-in-uri' },
      { ext: '1234' },
    );
    assert.equal(p.originated?.requestUser, '13800138000,1234');
    assert.equal(r.digits.length, 0);
    assert.equal(r.attempts, 0);
    assert.equal(r.outcome, 'reached_extension');
    assert.deepEqual(stepResults(r), ['waitFor:answered', 'verifyConnect:speech']);
  });

  it('a plain number simply waits for the answer', () => {
    const { r, p } = dial({ to: '13800138000', trunk: TRUNK }, { prompt: 'none' });
    assert.equal(r.outcome, 'answered');
    assert.equal(r.plan, 'direct');
    assert.equal(r.extension, undefined);
    assert.deepEqual(p.hangups, []);
  });

  it('music while ringing, then the customer speaks', () => {
    const { r } = dial(
      { to: '17001234567-1234', trunk: TRUNK },
      { ext: '1234', afterAccept: 'music-then-speech' },
    );
    assert.equal(r.outcome, 'reached_extension');
  });

  it('a short "喂?" with no class verdict still counts after ringback', () => {
    const { r } = dial({ to: '13800138000-56', trunk: TRUNK }, { ext: '56', afterAccept: 'short-hello' });
    assert.equal(r.outcome, 'reached_extension');
    assert.equal(r.detail, 'voice');
  });

  it('fingerprinting unavailable on the call: the step falls back to VAD', () => {
    const { r, p } = dial(
      { to: '17001234567-1234', trunk: TRUNK },
      { ext: '1234', support: { fingerprint: false, keyword: false } },
    );
    assert.equal(r.outcome, 'reached_extension');
    assert.ok(p.logs.some((l) => l.level === 'warn' && l.msg === 'dial prompt detection falls back to vad'));
    assert.equal(stepResults(r)[1], 'waitPromptEnd:silence');
  });
});
