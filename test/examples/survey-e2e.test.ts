/**
 * The survey application end to end: its server (examples/survey/server.ts, port 0) is the webhook
 * application of a voicegate (CallManager + VerbsApps, speech over the built-in MRCP server with
 * espeak-ng and PocketSphinx); SIPp calls it and plays the caller's stream the test made (silence,
 * RFC 4733 digits, espeak-ng answers) at the times the survey asks; the survey posts its result to
 * a loopback result webhook, checked field by field.
 * - DTMF: round 1 answered "1", round 2 left silent once (no-input, retried) then "2", round 3 "4".
 * - Speech: round 1 "yes", round 2 out-of-grammar words (no-match, retried) then "no", round 3
 *   (digits only) "3".
 * The caller scripts (survey-timeline.ts) place each answer from the prompts' lengths as espeak-ng
 * says them, after (speech) or inside (digits) its prompt and well before its timeout.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { VerbsApps, type AppEvent } from '../../src/call/index.js';
import { stepSpeech } from '../../src/call/verbs/step-speech.js';
import { startSurveyServer } from '../../examples/survey/server.js';
import { loadSurvey, type SurveyResult } from '../../examples/survey/survey.js';
import { until } from '../call/harness.js';
import { speechGate, stopSpeechGates, type SpeechGate } from '../call/speech-harness.js';
import { runSippSpeech } from '../call/speech-sipp.js';
import { placeSurveyCall, ResultSink, type SurveyCallOptions } from './survey-call.js';
import { dtmfScript, speechScript, type CallerScript } from './survey-timeline.js';

const SURVEY = fileURLToPath(new URL('../../../examples/survey/survey.yaml', import.meta.url));
const SECRET = 'survey-e2e-secret';
const def = loadSurvey(parseYaml(readFileSync(SURVEY, 'utf8'))).def;

let g: SpeechGate;
let sink: ResultSink;
let survey: Awaited<ReturnType<typeof startSurveyServer>>;
const events: AppEvent[] = [];

before(async () => {
  sink = await new ResultSink().start();
  survey = await startSurveyServer({
    surveyFile: SURVEY,
    host: '127.0.0.1',
    port: 0,
    secret: SECRET,
    resultHook: sink.url,
  });
  const apps = new VerbsApps({
    apps: {
      survey: {
        source: { webhook: survey.url },
        secret: SECRET,
        statusHook: '/survey/status',
        fallback: { prompt: 'goodbye.wav', cause: 41 },
      },
    },
    capabilities: (call) => ({ speech: stepSpeech(call) }),
    onEvent: (e) => events.push(e),
  });
  g = await speechGate({
    apps: [{ name: 'survey', steps: [], maxDurationMs: 120_000 }],
    appBody: apps.appBody,
  });
});

after(async () => {
  await stopSpeechGates();
  survey.server.close();
  await sink.stop();
});

/** SIPp calls the survey playing `script`; resolves with the result posted for the call. */
async function callSurvey(script: CallerScript, o: SurveyCallOptions = {}): Promise<SurveyResult> {
  const before = sink.results.length;
  const cdrs = g.cdrs.length;
  await placeSurveyCall(g.port, script, o);
  await until(() => g.cdrs.length > cdrs && sink.results.length > before, 'the CDR and the result', 8000);
  return sink.results[sink.results.length - 1]!;
}

/** The verbs that ran on a call, `verb:outcome`, in order. */
function verbsOf(callSid: string): string[] {
  return events
    .filter((e) => e.callSid === callSid && e.type === 'verb:status' && e.data.status === 'finished')
    .map((e) => `${String(e.data.verb)}:${String(e.data.outcome)}`);
}

describe('the survey, end to end', () => {
  it('DTMF answers, with a no-input round retried', async () => {
    const res = await callSurvey(dtmfScript(def, '4'));
    const cdr = g.cdrs.at(-1)!;
    assert.equal(res.call_sid, cdr.callId);
    assert.equal(res.survey, 'delivery-satisfaction');
    assert.equal(res.from, 'sipp');
    assert.equal(res.to, '700');
    assert.equal(res.completed, true);
    assert.deepEqual(res.answers, { satisfied: 'satisfied', on_time: 'late', score: 'promoter' });
    assert.deepEqual(res.details, {
      satisfied: { value: 'satisfied', digits: '1', attempts: 1, misses: [] },
      on_time: { value: 'late', digits: '2', attempts: 2, misses: ['no-input'] },
      score: { value: 'promoter', digits: '4', attempts: 1, misses: [] },
    });
    assert.equal(cdr.digits, '124');
    assert.equal(cdr.digitSources.rfc4733, 3);
    assert.equal(cdr.endCause.what, 'app-hangup');
    assert.equal(cdr.endCause.q850, 16);
    assert.deepEqual(verbsOf(cdr.callId), [
      'say:done',
      'gather:done',
      'gather:timeout',
      'gather:done',
      'gather:done',
      'say:done',
      'hangup:done',
    ]);
  });

  it('speech answers, with a no-match round retried', async () => {
    const res = await callSurvey(speechScript(def, '3'));
    const cdr = g.cdrs.at(-1)!;
    assert.equal(res.call_sid, cdr.callId);
    assert.equal(res.completed, true);
    assert.deepEqual(res.answers, { satisfied: 'satisfied', on_time: 'late', score: 'neutral' });
    const { satisfied, on_time, score } = res.details;
    assert.equal(satisfied!.value, 'satisfied');
    assert.match(satisfied!.speech!, /^(yes|yeah|yep)$/);
    assert.ok(satisfied!.confidence! > 0 && satisfied!.confidence! <= 1);
    assert.equal(satisfied!.attempts, 1);
    assert.deepEqual(satisfied!.misses, []);
    assert.equal(on_time!.value, 'late');
    assert.match(on_time!.speech!, /^(no|nope)$/);
    assert.equal(on_time!.attempts, 2);
    assert.deepEqual(on_time!.misses, ['no-match']);
    assert.deepEqual(score, { value: 'neutral', digits: '3', attempts: 1, misses: [] });
    assert.equal(cdr.digits, '3');
    assert.equal(cdr.endCause.what, 'app-hangup');
  });

  it('the tutorial’s caller (sipp-scenarios/uac-survey-dtmf.xml: SIPp’s own RFC 4733 captures)', async () => {
    const before = sink.results.length;
    const r = await runSippSpeech({ scenario: 'uac-survey-dtmf.xml', port: g.port, service: '700' });
    assert.equal(r.code, 0, `sipp exit ${r.code}\n${r.errors.slice(0, 3000)}`);
    await until(() => sink.results.length > before, 'the result', 8000);
    const res = sink.results.at(-1)!;
    assert.equal(res.completed, true);
    assert.deepEqual(res.answers, { satisfied: 'satisfied', on_time: 'late', score: 'promoter' });
    assert.deepEqual(
      Object.values(res.details).map((d) => `${d.digits}:${d.attempts}`),
      ['1:1', '2:1', '5:1'],
    );
  });

  it('a caller who hangs up mid-survey: the status hook ends the run, the partial result is posted', async () => {
    const { events: all } = dtmfScript(def, '4');
    const first = all[0]!;
    const res = await callSurvey(
      { events: [first], totalMs: first.atMs + 10_000 },
      { hangupAfterMs: first.atMs + 3000 },
    );
    const cdr = g.cdrs.at(-1)!;
    assert.equal(res.call_sid, cdr.callId);
    assert.equal(cdr.endCause.by, 'caller');
    assert.equal(res.completed, false);
    assert.deepEqual(res.answers, { satisfied: 'satisfied', on_time: null, score: null });
    assert.deepEqual(res.details, {
      satisfied: { value: 'satisfied', digits: '1', attempts: 1, misses: [] },
    });
    assert.deepEqual(verbsOf(cdr.callId), ['say:done', 'gather:done', 'gather:killed']);
  });

  it('nothing is left behind: sessions, channels, RTP ports, timers', async () => {
    await until(() => Object.values(g.leaks()).every((n) => n === 0), 'zero', 8000).catch(() =>
      assert.fail(JSON.stringify(g.leaks())),
    );
  });
});
