/**
 * The survey application end to end: its server (examples/survey/server.ts, port 0) is the webhook
 * application of a voicegate (CallManager + VerbsApps, speech over the built-in MRCP server with
 * espeak-ng and PocketSphinx); SIPp calls it and plays the caller's stream the test made (silence,
 * RFC 4733 digits, espeak-ng answers) at the times the survey asks; the survey posts its result to
 * a loopback result webhook, checked field by field.
 * - DTMF: round 1 answered "1", round 2 left silent once (no-input, retried) then "2", round 3 "4".
 * - Speech: round 1 "yes", round 2 out-of-grammar words (no-match, retried) then "no", round 3
 *   (digits only) "3".
 * The caller's timeline comes from the prompts' lengths as espeak-ng speaks them (the engine the
 * built-in synthesizer runs), placing each answer after its prompt and well inside its timeout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { VerbsApps, type AppEvent } from '../../src/call/index.js';
import { stepSpeech } from '../../src/call/verbs/step-speech.js';
import { startSurveyServer } from '../../examples/survey/server.js';
import { loadSurvey, type SurveyResult } from '../../examples/survey/survey.js';
import { espeakPcm } from '../mrcp/engines/builtin/speech-helpers.js';
import { until } from '../call/harness.js';
import { speechGate, stopSpeechGates, type SpeechGate } from '../call/speech-harness.js';
import { runSippSpeech } from '../call/speech-sipp.js';
import { writeCallerPcap, type CallerEvent } from './caller-timeline.js';

const SURVEY = fileURLToPath(new URL('../../../examples/survey/survey.yaml', import.meta.url));
const SECRET = 'survey-e2e-secret';
const def = loadSurvey(parseYaml(readFileSync(SURVEY, 'utf8'))).def;
const [R1, R2, R3] = def.rounds;

/** How long espeak-ng takes to say `text`, ms. */
const spoken = (text: string): number => (espeakPcm(text, 8000).length / 8000) * 1000;

/** Posts to it land here: the survey's result webhook. */
class ResultSink {
  readonly results: SurveyResult[] = [];
  private server!: Server;
  url = '';
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.results.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SurveyResult);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/results`;
    return this;
  }
  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

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

/** SIPp calls the survey playing `timeline`; resolves with the result posted for the call. */
async function callSurvey(timeline: CallerEvent[], totalMs: number): Promise<SurveyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vg-survey-'));
  const before = sink.results.length;
  const cdrs = g.cdrs.length;
  try {
    writeCallerPcap(join(dir, 'caller.pcap'), timeline, totalMs);
    const r = await runSippSpeech({
      scenario: 'uac-survey.xml',
      port: g.port,
      service: '700',
      cwd: dir,
      timeoutSeconds: Math.ceil(totalMs / 1000) + 20,
    });
    assert.equal(r.code, 0, `sipp exit ${r.code}\n${r.errors.slice(0, 3000)}\n${r.stderr.slice(0, 1000)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await until(() => g.cdrs.length > cdrs && sink.results.length > before, 'the CDR and the result', 8000);
  return sink.results[sink.results.length - 1]!;
}

/** The verbs that ran on the last call, `verb:outcome`, in order. */
function verbsOf(callSid: string): string[] {
  return events
    .filter((e) => e.callSid === callSid && e.type === 'verb:status' && e.data.status === 'finished')
    .map((e) => `${String(e.data.verb)}:${String(e.data.outcome)}`);
}

describe('the survey, end to end', () => {
  it('DTMF answers, with a no-input round retried', async () => {
    const greeting = spoken(def.greeting!);
    const d1 = greeting + 0.5 * spoken(R1!.prompt) + 800;
    // Round 2: silence through its prompt and timeout, then "2" in the middle of the retry's prompt.
    const d2 =
      d1 + spoken(R2!.prompt) + R2!.timeoutSeconds * 1000 + 0.5 * spoken(`${R2!.noInput} ${R2!.prompt}`);
    const d3 = d2 + 2500;
    const t0 = Date.now();
    const res = await callSurvey(
      [
        { atMs: d1, digit: '1' },
        { atMs: d2, digit: '2' },
        { atMs: d3, digit: '4' },
      ],
      d3 + 10_000,
    );
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
    assert.ok(Date.now() - t0 < d3 + 20_000);
  });

  it('speech answers, with a no-match round retried', async () => {
    const after = 500; // speak this long after the prompt ends (the survey waits 6 s; earlier barges in)
    const recognized = 1200; // measured ≈ 1.1 s: end of speech detected, the hook, the next SPEAK
    const yes = espeakPcm('yes', 8000);
    const junk = espeakPcm('purple elephant umbrella', 8000);
    const no = espeakPcm('no', 8000);
    const len = (p: Int16Array): number => p.length / 8;
    const s1 = spoken(def.greeting!) + spoken(R1!.prompt) + after + 500;
    const s2 = s1 + len(yes) + recognized + spoken(R2!.prompt) + after;
    const s3 = s2 + len(junk) + recognized + spoken(`${R2!.noMatch} ${R2!.prompt}`) + after;
    const d4 = s3 + len(no) + recognized + 2500;
    const res = await callSurvey(
      [
        { atMs: s1, speech: yes },
        { atMs: s2, speech: junk },
        { atMs: s3, speech: no },
        { atMs: d4, digit: '3' },
      ],
      d4 + 10_000,
    );
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

  it('nothing is left behind: sessions, channels, RTP ports, timers', async () => {
    await until(() => Object.values(g.leaks()).every((n) => n === 0), 'zero', 8000).catch(() =>
      assert.fail(JSON.stringify(g.leaks())),
    );
  });
});
