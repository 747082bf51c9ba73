import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildProfiles,
  IllegalTransitionError,
  RUNNER_STATES,
  RUNNER_TRANSITIONS,
  transition,
  type MediaProgressEvent,
} from '../../src/dialing/index.js';
import type { ProgressEvent } from '../../src/media/progress/index.js';
import { dial, stepResults } from './harness.js';

// The dialing layer may not import media's runtime, so it keeps its own copy of the event
// shapes; this fails to compile if the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameEvents: Same<ProgressEvent, MediaProgressEvent> = true;

describe('plan runner state machine', () => {
  it('media/progress events and the DialControl media events are the same type', () => {
    assert.equal(sameEvents, true);
  });

  for (const from of RUNNER_STATES) {
    for (const to of RUNNER_STATES) {
      const legal = RUNNER_TRANSITIONS[from].includes(to);
      it(`${from} -> ${to} is ${legal ? 'legal' : 'refused'}`, () => {
        if (legal) assert.equal(transition(from, to), to);
        else
          assert.throws(
            () => transition(from, to),
            (e: unknown) => e instanceof IllegalTransitionError && e.from === from && e.to === to,
          );
      });
    }
  }

  it('nothing leaves done, and every state can end', () => {
    assert.deepEqual(RUNNER_TRANSITIONS.done, []);
    for (const s of RUNNER_STATES) if (s !== 'done') assert.ok(RUNNER_TRANSITIONS[s].includes('done'), s);
  });

  it('logs each transition at debug with the call id', () => {
    const { p } = dial({ to: '17001234567-1234', trunk: 'carrier-rfc4733' }, { ext: '1234' });
    const states = p.logs.filter((l) => l.msg === 'dial state').map((l) => l.meta.to);
    assert.deepEqual(states, [
      'waitFor',
      'waitPromptEnd',
      'sendDigits',
      'onReprompt',
      'verifyConnect',
      'done',
    ]);
    assert.ok(
      p.logs
        .filter((l) => l.msg === 'dial step')
        .every((l) => l.level === 'info' && typeof l.meta.index === 'number'),
    );
  });
});

describe('keyword prompt detection (an MRCP recognizer behind the call layer)', () => {
  const profiles = buildProfiles([
    { file: 't.yaml', text: 'kind: trunk\nname: t\n' },
    {
      file: 'kw.yaml',
      text: [
        'kind: platform',
        'name: kw',
        'fallback: true',
        'keywords:',
        '  prompt: [请输入分机号]',
        '  invalid: [分机号无效]',
        '  busy: [正忙]',
        'plan:',
        '  - waitFor: { event: answer }',
        '  - waitPromptEnd: { mode: keyword, silenceMs: 600, maxWaitMs: 12000 }',
        '  - sendDigits: {}',
        '  - onReprompt: {}',
        '  - verifyConnect: {}',
        '',
      ].join('\n'),
    },
  ]);

  it('keyword, then silence, ends the prompt; the recognizer is asked for the phrases', () => {
    const { r, p } = dial({ to: '13800138000-1234', trunk: 't' }, { ext: '1234' }, { profiles });
    assert.equal(r.outcome, 'reached_extension');
    assert.equal(stepResults(r)[1], 'waitPromptEnd:keyword_then_silence');
    assert.deepEqual(
      p.analysis?.keywords.map((k) => k.label),
      ['prompt', 'invalid', 'busy'],
    );
  });

  it('keyword "invalid" is a re-prompt; after the last attempt, invalid_extension', () => {
    const { r } = dial(
      { to: '13800138000-1234', trunk: 't' },
      { ext: undefined, invalidPhrase: true },
      { profiles },
    );
    assert.deepEqual([r.outcome, r.detail, r.attempts], ['invalid_extension', 'reprompted_invalid', 3]);
  });

  const withFallback = (fallback: 'vad' | 'fail') =>
    buildProfiles([
      { file: 't.yaml', text: 'kind: trunk\nname: t\n' },
      {
        file: 'kw.yaml',
        text: [
          'kind: platform',
          'name: kw',
          'fallback: true',
          'keywords:',
          '  prompt: [请输入分机号]',
          'plan:',
          '  - waitFor: { event: answer }',
          `  - waitPromptEnd: { mode: keyword, silenceMs: 600, maxWaitMs: 12000, fallback: ${fallback} }`,
          '  - sendDigits: {}',
          '  - verifyConnect: {}',
          '',
        ].join('\n'),
      },
    ]);

  it('spotting gives up during the keyword wait: the step restarts on VAD and still reaches', () => {
    // Answer at 2 s, prompt from 2.3 s; spotting gives up at 2.5 s, before any keyword.
    const { r, p } = dial(
      { to: '13800138000-1234', trunk: 't' },
      { ext: '1234', keywordLostAfterMs: 2500 },
      { profiles: withFallback('vad') },
    );
    assert.equal(r.outcome, 'reached_extension', JSON.stringify(r.steps));
    assert.equal(stepResults(r)[1], 'waitPromptEnd:silence');
    assert.ok(p.logs.some((l) => l.level === 'warn' && l.msg === 'dial keyword spotting unavailable'));
    assert.ok(p.logs.some((l) => l.level === 'warn' && l.msg === 'dial prompt detection falls back to vad'));
  });

  it('spotting gives up during a keyword wait with fallback fail: failed keyword_unavailable', () => {
    const { r } = dial(
      { to: '13800138000-1234', trunk: 't' },
      { ext: '1234', keywordLostAfterMs: 2500 },
      { profiles: withFallback('fail') },
    );
    assert.deepEqual([r.outcome, r.detail], ['failed', 'keyword_unavailable']);
  });

  it('no recognizer on this call and no fallback: failed keyword_unavailable', () => {
    const { r } = dial(
      { to: '13800138000-1234', trunk: 't' },
      { ext: '1234', support: { keyword: false } },
      { profiles },
    );
    assert.deepEqual([r.outcome, r.detail], ['failed', 'keyword_unavailable']);
  });
});
