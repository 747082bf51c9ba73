/** Our client against our server over SIP + TCP + RTP on loopback: every synthesizer method and event. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getHeader, headerValue, type MrcpSpeechSession } from '../../../src/mrcp/index.js';
import { audible, sleep, startPair, until, type Pair } from './net-helpers.js';

describe('speechsynth over the network', () => {
  let p: Pair;
  let s: MrcpSpeechSession;
  let frames = 0;
  const events: string[] = [];
  before(async () => {
    p = await startPair({ rtpBase: 41000 });
    s = await p.client.openSession({ resources: ['speechsynth'], callId: 'synth-call' });
    s.events = {
      onAudio: (f) => void (audible(f) && frames++),
      onEvent: (_r, e) => events.push(`${e.event} ${e.requestId} ${e.requestState}`),
    };
  });
  after(async () => {
    s.close();
    await p.close();
  });

  test('SPEAK: IN-PROGRESS, audio over RTP, SPEAK-COMPLETE normal', async () => {
    const before = frames;
    const h = s.speak('twelve chars');
    const res = await h.response;
    assert.equal(res.statusCode, 200);
    assert.equal(res.requestState, 'IN-PROGRESS');
    const r = await h.done;
    assert.equal(r.cause, 'normal');
    assert.equal(r.causeCode, 0);
    assert.equal(r.stopped, false);
    // 12 chars × 20 ms = 240 ms of tone: about 12 frames reach the client.
    await until(() => frames - before >= 10, 1000, 'frames');
  });

  test('SSML marks: SPEECH-MARKER events with the mark names, in order', async () => {
    const marks: (string | undefined)[] = [];
    s.events.onSpeechMarker = (e) => marks.push(e.marker);
    const ssml =
      '<?xml version="1.0"?><speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">one <mark name="m1"/> two three <mark name="m2"/> four</speak>';
    const h = s.speak(ssml, { contentType: 'application/ssml+xml' });
    assert.equal((await h.done).cause, 'normal');
    delete s.events.onSpeechMarker;
    assert.deepEqual(marks, ['m1', 'm2']);
  });

  test('a SPEAK while speaking is PENDING, starts with SPEECH-MARKER, both complete in order', async () => {
    const a = s.speak('first prompt');
    const b = s.speak('second prompt');
    assert.equal((await a.response).requestState, 'IN-PROGRESS');
    assert.equal((await b.response).requestState, 'PENDING');
    const ra = await a.done;
    const rb = await b.done;
    assert.equal(ra.cause, 'normal');
    assert.equal(rb.cause, 'normal');
    assert.ok(events.includes(`SPEECH-MARKER ${b.requestId} IN-PROGRESS`));
    assert.ok(
      events.indexOf(`SPEAK-COMPLETE ${a.requestId} COMPLETE`) <
        events.indexOf(`SPEAK-COMPLETE ${b.requestId} COMPLETE`),
    );
  });

  test('STOP lists the active and queued SPEAKs; they end with no SPEAK-COMPLETE (§8.5)', async () => {
    const a = s.speak('x'.repeat(200));
    const b = s.speak('queued one');
    await b.response;
    const stop = await s.stopSpeaking();
    assert.equal(stop.statusCode, 200);
    const list = getHeader(stop.headers, 'Active-Request-Id-List');
    assert.ok(list.present && list.ok);
    assert.deepEqual(list.value, [a.requestId, b.requestId]);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    assert.equal(ra.stopped, true);
    assert.equal(rb.stopped, true);
    await sleep(100);
    assert.ok(!events.some((e) => e.startsWith(`SPEAK-COMPLETE ${a.requestId}`)));
    assert.ok(!events.some((e) => e.startsWith(`SPEAK-COMPLETE ${b.requestId}`)));
  });

  test('PAUSE stops the audio, RESUME restarts it, both list the active SPEAK', async () => {
    const h = s.speak('y'.repeat(60));
    await h.response;
    await sleep(100);
    const pause = await s.pause();
    assert.equal(pause.statusCode, 200);
    assert.equal(headerValue(pause.headers, 'Active-Request-Id-List'), String(h.requestId));
    await sleep(250); // what the client's jitter buffer still holds plays out
    const paused = frames;
    await sleep(300);
    assert.ok(frames - paused <= 1, `no audio while paused (${frames - paused} frames)`);
    assert.equal((await s.pause()).statusCode, 402, 'PAUSE while paused is not valid in state');
    const resume = await s.resume();
    assert.equal(resume.statusCode, 200);
    assert.equal((await h.done).cause, 'normal');
    assert.ok(frames > paused + 5);
    assert.equal((await s.resume()).statusCode, 402);
  });

  test('CONTROL: Jump-Size and Speak-Restart on the active SPEAK; 402 when idle', async () => {
    const h = s.speak('z'.repeat(100));
    await h.response;
    const jump = await s.control({ 'Jump-Size': '+1 Seconds' });
    assert.equal(jump.statusCode, 200);
    const restart = await s.control({ 'Speak-Restart': 'true' });
    assert.equal(restart.statusCode, 200);
    await s.stopSpeaking();
    await h.done;
    assert.equal((await s.control({ 'Speak-Restart': 'true' })).statusCode, 402);
  });

  test('BARGE-IN-OCCURRED stops a Kill-On-Barge-In SPEAK, not one with Kill-On-Barge-In: false', async () => {
    const a = s.speak('w'.repeat(100));
    await a.response;
    const r = await s.bargeInOccurred();
    assert.equal(headerValue(r.headers, 'Active-Request-Id-List'), String(a.requestId));
    assert.equal((await a.done).stopped, true);
    const b = s.speak('keep on talking', { headers: { 'Kill-On-Barge-In': 'false' } });
    await b.response;
    const r2 = await s.bargeInOccurred();
    assert.equal(r2.statusCode, 200);
    assert.equal(headerValue(r2.headers, 'Active-Request-Id-List'), undefined);
    assert.equal((await b.done).cause, 'normal');
  });

  test('DEFINE-LEXICON: normal for a lexicon, lexicon-load-failure otherwise', async () => {
    const ok = await s.defineLexicon(
      '<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"/>',
      'application/pls+xml',
      'lex1',
    );
    assert.equal(ok.status, 200);
    assert.equal(ok.cause, 'normal');
    const bad = await s.defineLexicon('not xml', 'application/pls+xml');
    assert.equal(bad.status, 407);
    assert.equal(bad.cause, 'lexicon-load-failure');
  });

  test('SPEAK failures complete with their cause: uri-failure, parse-failure; 409 for an unknown type', async () => {
    assert.equal(
      (await s.speak('http://example.invalid/a.wav', { contentType: 'text/uri-list' }).done).cause,
      'uri-failure',
    );
    assert.equal(
      (await s.speak('<speak>unclosed', { contentType: 'application/ssml+xml' }).done).cause,
      'parse-failure',
    );
    assert.equal((await s.speak('x', { contentType: 'audio/basic' }).response).statusCode, 409);
  });

  test('SET-PARAMS / GET-PARAMS per channel, Vendor-Specific-Parameters kept', async () => {
    const set = await s.setParams('speechsynth', {
      'Voice-Gender': 'female',
      'Prosody-Rate': 'fast',
      'Vendor-Specific-Parameters': 'com.example.x=1;com.example.y=two',
    });
    assert.equal(set.statusCode, 200);
    const got = await s.getParams('speechsynth', [
      'Voice-Gender',
      'Prosody-Rate',
      'Vendor-Specific-Parameters',
    ]);
    assert.equal(got.statusCode, 200);
    assert.equal(headerValue(got.headers, 'Voice-Gender'), 'female');
    assert.equal(headerValue(got.headers, 'Prosody-Rate'), 'fast');
    assert.match(headerValue(got.headers, 'Vendor-Specific-Parameters') ?? '', /com\.example\.y=two/);
    assert.equal((await s.setParams('speechsynth', { 'Voice-Age': 'old' })).statusCode, 404);
  });

  test('a method of another resource is answered 401 (method not allowed)', async () => {
    const r = await s.request('speechsynth', 'RECOGNIZE').response;
    assert.equal(r.statusCode, 401);
  });
});
