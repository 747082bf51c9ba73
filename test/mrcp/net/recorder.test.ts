/** Our client against our server over the network: the recorder resource (§10) to a file URI. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { headerValue, type MrcpSpeechSession } from '../../../src/mrcp/index.js';
import { feed, sleep, startPair, toneFrame, type Pair } from './net-helpers.js';

const silence = new Int16Array(160);

describe('recorder over the network', () => {
  let p: Pair;
  let s: MrcpSpeechSession;
  let dir: string;
  const events: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mrcp-rec-'));
    p = await startPair({ rtpBase: 43000, recordDir: dir });
    s = await p.client.openSession({ resources: ['recorder'] });
    s.events = { onEvent: (_r, e) => events.push(`${e.event} ${e.requestId}`) };
  });
  after(async () => {
    s.close();
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('RECORD with Max-Time: START-OF-INPUT, RECORD-COMPLETE success-maxtime, a WAV at Record-URI', async () => {
    const uri = `file://${join(dir, 'a.wav')}`;
    const h = s.record({ headers: { 'Record-URI': uri, 'Max-Time': '600' } });
    assert.equal((await h.response).requestState, 'IN-PROGRESS');
    const feeding = feed((f) => s.sendAudio(f), toneFrame(), 40);
    const r = await h.done;
    await feeding;
    assert.equal(r.cause, 'success-maxtime');
    assert.match(r.recordUri ?? '', /^<file:\/\/.*a\.wav>;size=\d+;duration=\d+$/);
    assert.ok(events.includes(`START-OF-INPUT ${h.requestId}`));
    const path = fileURLToPath(/<([^>]+)>/.exec(r.recordUri ?? '')?.[1] ?? '');
    const seconds = Number(execFileSync('soxi', ['-D', path], { encoding: 'utf8' }).trim());
    assert.ok(seconds > 0.3 && seconds <= 1, `recording of ${seconds} s`);
  });

  test('Final-Silence ends a recording with success-silence', async () => {
    const h = s.record({ headers: { 'Record-URI': `file://${join(dir, 'b.wav')}`, 'Final-Silence': '200' } });
    await h.response;
    await feed((f) => s.sendAudio(f), toneFrame(), 15);
    const feeding = feed((f) => s.sendAudio(f), silence, 25);
    const r = await h.done;
    await feeding;
    assert.equal(r.cause, 'success-silence');
  });

  test('No-Input-Timeout with Start-Input-Timers: false waits for START-INPUT-TIMERS', async () => {
    const h = s.record({ headers: { 'No-Input-Timeout': '150', 'Start-Input-Timers': 'false' } });
    await h.response;
    let ended = false;
    void h.done.then(() => (ended = true));
    await sleep(300);
    assert.equal(ended, false);
    assert.equal((await s.startInputTimers('recorder')).statusCode, 200);
    assert.equal((await h.done).cause, 'no-input-timeout');
  });

  test('STOP: the response carries Record-URI and ends the RECORD (no RECORD-COMPLETE)', async () => {
    const h = s.record({ headers: { 'Record-URI': `file://${join(dir, 'c.wav')}` } });
    await h.response;
    await feed((f) => s.sendAudio(f), toneFrame(), 10);
    const stop = await s.stopRecording();
    assert.equal(stop.statusCode, 200);
    assert.match(headerValue(stop.headers, 'Record-URI') ?? '', /c\.wav/);
    assert.equal((await h.done).stopped, true);
    await sleep(50);
    assert.ok(!events.includes(`RECORD-COMPLETE ${h.requestId}`));
  });

  test('a Record-URI the engine cannot write: uri-failure', async () => {
    const r = await s.record({ headers: { 'Record-URI': 'http://127.0.0.1:9/x.wav' } }).done;
    assert.equal(r.cause, 'uri-failure');
  });
});
