/**
 * Our client against our server over SIP + TCP + RTP on loopback: every recognizer method and
 * event, the timers (short values in real time; the machine's own tests run them in fake time),
 * DTMF as RFC 4733 on the session's audio, speech as audio energy.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { getHeader, headerValue, type MrcpSpeechSession } from '../../../src/mrcp/index.js';
import { feed, sleep, startPair, toneFrame, type Pair } from './net-helpers.js';

const PIN = readFileSync(
  new URL('../../../../test/fixtures/mrcp/bodies/pin.dtmf.grxml', import.meta.url),
  'utf8',
);
const MENU = readFileSync(
  new URL('../../../../test/fixtures/mrcp/bodies/menu.dtmf.abnf', import.meta.url),
  'utf8',
);
const silence = new Int16Array(160);

describe('speechrecog over the network', () => {
  let p: Pair;
  let s: MrcpSpeechSession;
  const events: string[] = [];
  before(async () => {
    p = await startPair({ rtpBase: 42000 });
    s = await p.client.openSession({ resources: ['speechrecog'], callId: 'recog-call' });
    s.events = {
      onEvent: (_r, e) =>
        events.push(
          `${e.event} ${e.requestId} ${headerValue(e.headers, 'Completion-Cause') ?? headerValue(e.headers, 'Input-Type') ?? ''}`,
        ),
    };
  });
  after(async () => {
    s.close();
    await p.close();
  });

  test('RFC 4733 digits against builtin:dtmf/digits: START-OF-INPUT dtmf, then success with NLSML', async () => {
    const h = s.recognize({ uris: ['builtin:dtmf/digits?length=3'] });
    assert.equal((await h.response).requestState, 'IN-PROGRESS');
    assert.ok(s.sendDigits('123'));
    const r = await h.done;
    assert.equal(r.cause, 'success');
    assert.equal(headerValue(r.message.headers, 'Content-Type'), 'application/nlsml+xml');
    const it = r.result?.interpretations[0];
    assert.equal(it?.instance, '123');
    assert.equal(it?.input, '1 2 3');
    assert.equal(it?.mode, 'dtmf');
    assert.ok(events.includes(`START-OF-INPUT ${h.requestId} dtmf`));
  });

  test('DEFINE-GRAMMAR makes session:<id>; RECOGNIZE by that URI; GET-RESULT repeats the result', async () => {
    const d = await s.defineGrammar('pin', PIN);
    assert.equal(d.status, 200);
    assert.equal(d.cause, 'success');
    const h = s.recognize({ uris: ['session:pin'] });
    s.sendDigits('4321');
    const r = await h.done;
    assert.equal(r.cause, 'success');
    assert.equal(r.result?.interpretations[0]?.grammar, 'session:pin');
    const again = await s.getResult();
    assert.equal(again.status, 200);
    assert.equal(again.result?.interpretations[0]?.input, r.result?.interpretations[0]?.input);
  });

  test('inline ABNF grammar and a weighted text/grammar-ref-list', async () => {
    const a = s.recognize({ grammar: { body: MENU, contentType: 'application/srgs', contentId: 'menu' } });
    s.sendDigits('2');
    assert.equal((await a.done).result?.interpretations[0]?.instance, '2');
    const b = s.recognize({ uris: ['session:menu', 'builtin:dtmf/boolean'], weights: [0.7, 0.3] });
    s.sendDigits('3');
    const rb = await b.done;
    assert.equal(rb.cause, 'success');
    assert.equal(rb.result?.interpretations[0]?.grammar, 'session:menu');
  });

  test('speech (audio energy) against builtin:grammar/boolean, ended by Speech-Complete-Timeout', async () => {
    const h = s.recognize({
      uris: ['builtin:grammar/boolean'],
      headers: { 'Speech-Complete-Timeout': '200' },
    });
    await h.response;
    await feed((f) => s.sendAudio(f), toneFrame(), 25);
    const feeding = feed((f) => s.sendAudio(f), silence, 30);
    const r = await h.done;
    await feeding;
    assert.equal(r.cause, 'success');
    assert.equal(r.result?.interpretations[0]?.mode, 'speech');
    assert.equal(r.result?.interpretations[0]?.instance, 'yes');
    assert.ok(events.includes(`START-OF-INPUT ${h.requestId} speech`));
  });

  test('No-Input-Timeout: no-input-timeout with <noinput/>', async () => {
    const t0 = Date.now();
    const r = await s.recognize({
      uris: ['builtin:dtmf/digits?length=2'],
      headers: { 'No-Input-Timeout': '200' },
    }).done;
    assert.equal(r.cause, 'no-input-timeout');
    assert.equal(r.result?.noInput, true);
    assert.ok(Date.now() - t0 >= 190);
  });

  test('Start-Input-Timers: false holds the no-input timer until START-INPUT-TIMERS', async () => {
    const h = s.recognize({
      uris: ['builtin:dtmf/digits?length=2'],
      startInputTimers: false,
      headers: { 'No-Input-Timeout': '150' },
    });
    await h.response;
    let ended = false;
    void h.done.then(() => (ended = true));
    await sleep(400);
    assert.equal(ended, false, 'no timer runs before START-INPUT-TIMERS');
    const t0 = Date.now();
    assert.equal((await s.startInputTimers()).statusCode, 200);
    const r = await h.done;
    assert.equal(r.cause, 'no-input-timeout');
    assert.ok(Date.now() - t0 >= 140);
    assert.equal((await s.startInputTimers()).statusCode, 402, 'START-INPUT-TIMERS while idle');
  });

  test('Recognition-Timeout: speech that never ends completes with success-maxtime', async () => {
    const h = s.recognize({ uris: ['builtin:grammar/boolean'], headers: { 'Recognition-Timeout': '300' } });
    await h.response;
    const feeding = feed((f) => s.sendAudio(f), toneFrame(), 40);
    const r = await h.done;
    await feeding;
    assert.equal(r.cause, 'success-maxtime');
  });

  test('DTMF-Interdigit-Timeout ends a partial entry with partial-match', async () => {
    const h = s.recognize({
      uris: ['builtin:dtmf/digits?minlength=3;maxlength=5'],
      headers: { 'DTMF-Interdigit-Timeout': '250' },
    });
    s.sendDigits('12');
    const r = await h.done;
    assert.equal(r.cause, 'partial-match');
  });

  test('DTMF-Term-Char ends the entry; DTMF-Term-Timeout ends a complete one', async () => {
    const a = s.recognize({
      uris: ['builtin:dtmf/digits?minlength=1;maxlength=9'],
      headers: { 'DTMF-Term-Char': '#', 'DTMF-Term-Timeout': '5000' },
    });
    s.sendDigits('45#');
    const ra = await a.done;
    assert.equal(ra.cause, 'success');
    assert.equal(ra.result?.interpretations[0]?.instance, '45');
    const t0 = Date.now();
    const b = s.recognize({
      uris: ['builtin:dtmf/digits?minlength=1;maxlength=9'],
      headers: { 'DTMF-Term-Timeout': '300' },
    });
    s.sendDigits('7');
    const rb = await b.done;
    assert.equal(rb.cause, 'success');
    assert.ok(Date.now() - t0 >= 300);
  });

  test('STOP lists the active RECOGNIZE, which ends with no RECOGNITION-COMPLETE', async () => {
    const h = s.recognize({ uris: ['builtin:dtmf/digits?length=4'] });
    await h.response;
    const stop = await s.stopRecognition();
    const list = getHeader(stop.headers, 'Active-Request-Id-List');
    assert.ok(list.present && list.ok);
    assert.deepEqual(list.value, [h.requestId]);
    assert.equal((await h.done).stopped, true);
    await sleep(50);
    assert.ok(!events.some((e) => e.startsWith(`RECOGNITION-COMPLETE ${h.requestId}`)));
    assert.equal((await s.getResult()).status, 402, 'no result after STOP');
  });

  test('a second RECOGNIZE is PENDING and starts when the first succeeds; Cancel-If-Queue cancels instead', async () => {
    const a = s.recognize({ uris: ['builtin:dtmf/digits?length=1'] });
    const b = s.recognize({ uris: ['builtin:dtmf/digits?length=1'] });
    assert.equal((await b.response).requestState, 'PENDING');
    s.sendDigits('1');
    assert.equal((await a.done).cause, 'success');
    await sleep(50);
    s.sendDigits('2');
    const rb = await b.done;
    assert.equal(rb.result?.interpretations[0]?.instance, '2');
    const c = s.recognize({ uris: ['builtin:dtmf/digits?length=1'], headers: { 'Cancel-If-Queue': 'true' } });
    await c.response;
    const d = s.recognize({ uris: ['builtin:dtmf/digits?length=1'] });
    assert.equal((await c.done).cause, 'cancelled');
    assert.equal((await d.response).requestState, 'IN-PROGRESS');
    s.sendDigits('3');
    assert.equal((await d.done).cause, 'success');
  });

  test('INTERPRET: INTERPRETATION-COMPLETE with the NLSML of the text', async () => {
    const h = s.interpret('yes please', ['builtin:grammar/boolean']);
    assert.equal((await h.response).requestState, 'IN-PROGRESS');
    const r = await h.done;
    assert.equal(r.message.kind, 'event');
    assert.equal(r.cause, 'success');
    assert.equal(r.result?.interpretations[0]?.instance, 'yes');
  });

  test('grammar failures: grammar-load-failure, uri-failure, grammar-compilation-failure', async () => {
    assert.equal(
      (await s.recognize({ uris: ['builtin:grammar/nonsense'] }).done).cause,
      'grammar-load-failure',
    );
    assert.equal((await s.recognize({ uris: ['http://127.0.0.1:9/g.grxml'] }).done).cause, 'uri-failure');
    const bad = await s.defineGrammar(
      'broken',
      '<grammar mode="dtmf" root="r"><rule id="r"><ruleref uri="#r"/></rule></grammar>',
    );
    assert.equal(bad.status, 407);
    assert.equal(bad.cause, 'grammar-compilation-failure');
  });
});
