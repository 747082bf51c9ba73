import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { signBody, SIGNATURE_HEADER } from '../../src/call/app/index.js';
import { compile, ExprError } from '../../examples/survey/expr.js';
import { startSurveyServer } from '../../examples/survey/server.js';
import type { SurveyResult } from '../../examples/survey/survey.js';

const SURVEY = fileURLToPath(new URL('../../../examples/survey/survey.yaml', import.meta.url));

describe('survey rule expressions', () => {
  const cases: [string, Record<string, string | number | undefined>, boolean][] = [
    ['digits == "1" || speech in ["yes","satisfied"]', { digits: '1' }, true],
    ['digits == "1" || speech in ["yes","satisfied"]', { speech: 'Yes' }, true],
    ['digits == "1" || speech in ["yes","satisfied"]', { speech: 'no' }, false],
    ['digits == "1" || speech in ["yes","satisfied"]', {}, false],
    ['confidence >= 0.6 && speech contains "good"', { speech: 'very good', confidence: 0.7 }, true],
    ['confidence >= 0.6 && speech contains "good"', { speech: 'very good', confidence: 0.5 }, false],
    ['!(digits == "9")', { digits: '1' }, true],
    ['digits != "2" && (reason == "dtmfDetected")', { digits: '1', reason: 'dtmfDetected' }, true],
    ['attempt > 1', { attempt: 2 }, true],
    ['confidence < 0.5', {}, false],
  ];
  for (const [src, ctx, want] of cases) {
    it(`${src} with ${JSON.stringify(ctx)} → ${want}`, () => assert.equal(compile(src)(ctx), want));
  }
  it('rejects bad syntax with a position, and hostile sizes', () => {
    for (const bad of [
      'digits ==',
      'digits = "1"',
      '(digits == "1"',
      'speech in [',
      'x y',
      '"unterminated',
      'digits in in',
    ]) {
      assert.throws(() => compile(bad), ExprError, bad);
    }
    assert.throws(() => compile('('.repeat(100) + 'true' + ')'.repeat(100)), /nested too deeply/);
    assert.throws(() => compile('true || '.repeat(500) + 'true'), /longer than/);
  });
});

describe('survey application server', () => {
  it('runs rounds, retries no-input and no-match, and posts the result', async () => {
    const results: SurveyResult[] = [];
    const { server, url } = await startSurveyServer({
      surveyFile: SURVEY,
      host: '127.0.0.1',
      port: 0,
      secret: 'sekrit',
      onResult: (r) => results.push(r),
    });
    const post = async (path: string, body: Record<string, unknown>, sign = true) => {
      const text = JSON.stringify(body);
      const r = await fetch(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(sign ? { [SIGNATURE_HEADER]: signBody('sekrit', text) } : {}),
        },
        body: text,
      });
      return {
        status: r.status,
        verbs: r.status === 200 ? ((await r.json()) as Record<string, unknown>[]) : [],
      };
    };
    try {
      assert.equal((await post(url, { call_sid: 'x' }, false)).status, 401, 'unsigned requests refused');
      let r = await post(url, { call_sid: 'c1', from: '100', to: '200' });
      assert.deepEqual(
        r.verbs.map((v) => v.verb),
        ['say', 'gather'],
      );
      const hook = (v: Record<string, unknown>) => String(v.actionHook);
      let gather = r.verbs[1]!;
      assert.deepEqual(gather.input, ['digits', 'speech']);
      assert.equal((gather.recognizer as { grammar: string }).grammar, 'builtin:grammar/boolean');
      // Round 1: silence, then nonsense, then "yes".
      r = await post(hook(gather), { call_sid: 'c1', reason: 'timeout' });
      gather = r.verbs[0]!;
      assert.match(String((gather.say as { text: string }).text), /did not hear/);
      r = await post(hook(gather), {
        call_sid: 'c1',
        reason: 'speechDetected',
        speech: { alternatives: [{ transcript: 'banana', confidence: 0.9 }] },
      });
      gather = r.verbs[0]!;
      assert.match(String((gather.say as { text: string }).text), /did not understand/);
      r = await post(hook(gather), {
        call_sid: 'c1',
        reason: 'speechDetected',
        speech: { alternatives: [{ transcript: 'yes', confidence: 0.9 }] },
      });
      gather = r.verbs[0]!;
      assert.match(hook(gather), /round=1&attempt=1/);
      // Round 2 by DTMF, round 3 by DTMF.
      r = await post(hook(gather), { call_sid: 'c1', reason: 'dtmfDetected', digits: '2' });
      gather = r.verbs[0]!;
      r = await post(hook(gather), { call_sid: 'c1', reason: 'dtmfDetected', digits: '5' });
      assert.deepEqual(
        r.verbs.map((v) => v.verb),
        ['say', 'hangup'],
      );
      assert.equal(results.length, 1);
      assert.deepEqual(results[0]!.answers, { satisfied: 'satisfied', on_time: 'late', score: 'promoter' });
      assert.equal(results[0]!.details.satisfied!.attempts, 3);
      assert.equal(results[0]!.completed, true);

      // A caller who hangs up mid-survey still gets a (partial) result.
      r = await post(url, { call_sid: 'c2' });
      r = await post(hook(r.verbs[1]!), { call_sid: 'c2', reason: 'dtmfDetected', digits: '1' });
      await post(url.replace(/\/survey$/, '/survey/status'), { call_sid: 'c2', call_status: 'completed' });
      assert.equal(results.length, 2);
      assert.deepEqual(results[1]!.answers, { satisfied: 'satisfied', on_time: null, score: null });
      assert.equal(results[1]!.completed, false);
    } finally {
      server.close();
    }
  });
});
