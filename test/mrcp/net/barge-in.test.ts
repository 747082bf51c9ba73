/**
 * Barge-in over the network (RFC 6787 §8.4.2, §8.10, §9.4.14): a prompt plays while the
 * recognizer listens with Start-Input-Timers: false; the caller speaks; START-OF-INPUT reaches
 * the client, the prompt stops, and recognition completes.
 * - one session with both resources: the server stops the prompt itself (SPEAK-COMPLETE barge-in);
 * - one session per resource: the client sends BARGE-IN-OCCURRED, whose response lists the SPEAK.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { audible, feed, sleep, startPair, toneFrame, until } from './net-helpers.js';

const silence = new Int16Array(160);
const PROMPT = 'p'.repeat(150); // 3 s of tone

describe('barge-in', () => {
  test('one session: START-OF-INPUT during SPEAK → SPEAK-COMPLETE barge-in, then RECOGNITION-COMPLETE', async () => {
    const p = await startPair({ rtpBase: 50000 });
    try {
      const s = await p.client.openSession({ resources: ['speechsynth', 'speechrecog'], callId: 'bi-1' });
      const order: string[] = [];
      let frames = 0;
      s.events = {
        onAudio: (f) => void (audible(f) && frames++),
        onEvent: (_r, e) => order.push(e.event),
      };
      const speak = s.speak(PROMPT);
      const rec = s.recognize({
        uris: ['builtin:grammar/boolean'],
        startInputTimers: false,
        headers: { 'Speech-Complete-Timeout': '200', 'No-Input-Timeout': '300' },
      });
      await rec.response;
      await sleep(300);
      assert.ok(frames > 5, 'the prompt is playing');
      await feed((f) => s.sendAudio(f), toneFrame(), 20);
      const sr = await speak.done;
      assert.equal(sr.cause, 'barge-in');
      assert.ok(order.indexOf('START-OF-INPUT') < order.indexOf('SPEAK-COMPLETE'));
      const feeding = feed((f) => s.sendAudio(f), silence, 20);
      const rr = await rec.done;
      await feeding;
      assert.equal(rr.cause, 'success');
      // What the client's jitter buffer held has played out by now; no prompt audio follows.
      const heard = frames;
      await sleep(300);
      assert.equal(frames, heard, 'no prompt audio after barge-in');
      // The client's own BARGE-IN-OCCURRED came after the server had stopped the prompt: a no-op.
      assert.equal(p.server.counters.resources.speechsynth.responses['BARGE-IN-OCCURRED 200'], 1);
      s.close();
    } finally {
      await p.close();
    }
  });

  test('one session per resource: the client sends BARGE-IN-OCCURRED, the SPEAK ends with no SPEAK-COMPLETE', async () => {
    const p = await startPair({ rtpBase: 50800, entry: { sessionPerResource: true } });
    try {
      const s = await p.client.openSession({ resources: ['speechsynth', 'speechrecog'], callId: 'bi-2' });
      assert.equal(p.server.sessionCount, 2);
      const events: string[] = [];
      s.events = { onEvent: (_r, e) => events.push(e.event) };
      const speak = s.speak(PROMPT);
      const rec = s.recognize({
        uris: ['builtin:grammar/boolean'],
        startInputTimers: false,
        headers: { 'Speech-Complete-Timeout': '200' },
      });
      await rec.response;
      await sleep(200);
      await feed((f) => s.sendAudio(f), toneFrame(), 20);
      const sr = await speak.done;
      assert.equal(sr.stopped, true, 'ended by the BARGE-IN-OCCURRED response (§8.10)');
      await feed((f) => s.sendAudio(f), silence, 20);
      assert.equal((await rec.done).cause, 'success');
      assert.ok(!events.includes('SPEAK-COMPLETE'));
      s.close();
      await until(() => p.server.sessionCount === 0);
    } finally {
      await p.close();
    }
  });

  test('START-INPUT-TIMERS after the prompt: the no-input timer runs only then', async () => {
    const p = await startPair({ rtpBase: 51600 });
    try {
      const s = await p.client.openSession({ resources: ['speechsynth', 'speechrecog'] });
      const speak = s.speak('short prompt');
      const rec = s.recognize({
        uris: ['builtin:dtmf/digits?length=2'],
        startInputTimers: false,
        headers: { 'No-Input-Timeout': '200' },
      });
      assert.equal((await speak.done).cause, 'normal');
      const t0 = Date.now();
      await s.startInputTimers();
      const r = await rec.done;
      assert.equal(r.cause, 'no-input-timeout');
      assert.ok(Date.now() - t0 >= 190);
      s.close();
    } finally {
      await p.close();
    }
  });
});
