import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createWavRecorder } from '../../src/mrcp/index.js';
import { briefs, flush, harness, headerValue, silenceFrame, speechFrame } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vg-mrcp-rec-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const rec = (): ReturnType<typeof harness> => harness([createWavRecorder({ dir })], ['recorder']);
const speech = (n: number): Int16Array[] => Array.from({ length: n }, () => speechFrame());
const silence = (n: number): Int16Array[] => Array.from({ length: n }, () => silenceFrame());

/** Lets the engine's file I/O (real, in the thread pool) settle while machine time stays fake. */
async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 10));
    await flush();
  }
}

function wavSeconds(path: string): number {
  const b = readFileSync(path);
  assert.equal(b.toString('latin1', 0, 4), 'RIFF');
  assert.equal(b.readUInt32LE(24), 8000);
  return b.readUInt32LE(40) / 2 / 8000;
}

describe('recorder machine', () => {
  it('idle -RECORD-> recording -Final-Silence-> idle: START-OF-INPUT, RECORD-COMPLETE success-silence with Record-URI, trimmed WAV', async () => {
    const h = rec();
    const file = join(dir, 'a.wav');
    h.send('recorder', 'RECORD', [
      ['Record-URI', `<${pathToFileURL(file).href}>`],
      ['Final-Silence', '1000'],
      ['Trim-Length', '500'],
    ]);
    await settle();
    h.push('recorder', silence(10));
    h.push('recorder', speech(50));
    h.push('recorder', silence(49));
    assert.deepEqual(briefs(h.take()), ['res 1 200 IN-PROGRESS', 'evt START-OF-INPUT 1 IN-PROGRESS']);
    h.push('recorder', silence(1));
    await settle();
    const [done] = h.take();
    assert.equal(briefs([done!])[0], 'evt RECORD-COMPLETE 1 COMPLETE 000 success-silence');
    // 110 frames of 20 ms captured = 2.2 s, less 0.5 s trimmed.
    assert.equal(
      headerValue(done!.headers, 'Record-URI'),
      `<${pathToFileURL(file).href}>;size=${44 + 1.7 * 16000};duration=1700`,
    );
    assert.equal(wavSeconds(file), 1.7);
    assert.equal(execFileSync('soxi', ['-D', file]).toString().trim(), '1.700000');
    assert.equal(h.session.channel('recorder')!.state, 'idle');
    assert.ok(h.logs.includes('debug <S1@recorder> State Transition recording -> idle'));
  });

  it('Max-Time ends with success-maxtime; Capture-On-Speech leaves out the leading silence', async () => {
    const h = rec();
    h.send('recorder', 'RECORD', [
      ['Max-Time', '1000'],
      ['Capture-On-Speech', 'true'],
    ]);
    await settle();
    h.push('recorder', silence(30));
    h.push('recorder', speech(60));
    await settle();
    const msgs = h.take();
    assert.deepEqual(briefs(msgs), [
      'res 1 200 IN-PROGRESS',
      'evt START-OF-INPUT 1 IN-PROGRESS',
      'evt RECORD-COMPLETE 1 COMPLETE 001 success-maxtime',
    ]);
    const uri = /^<([^>]+)>/.exec(headerValue(msgs[2]!.headers, 'Record-URI')!)![1]!;
    assert.equal(uri, pathToFileURL(join(dir, 'S1_recorder-1.wav')).href);
    assert.equal(
      wavSeconds(join(dir, 'S1_recorder-1.wav')),
      1,
      'capture starts at the speech onset and lasts Max-Time',
    );
  });

  it('No-Input-Timeout ends with no-input-timeout; Start-Input-Timers false waits for START-INPUT-TIMERS', async () => {
    const h = rec();
    h.send('recorder', 'RECORD', [['No-Input-Timeout', '2000']]);
    await settle();
    h.push('recorder', silence(100));
    await settle();
    assert.deepEqual(briefs(h.take()), [
      'res 1 200 IN-PROGRESS',
      'evt RECORD-COMPLETE 1 COMPLETE 002 no-input-timeout',
    ]);
    h.send('recorder', 'RECORD', [
      ['No-Input-Timeout', '2000'],
      ['Start-Input-Timers', 'false'],
    ]);
    await settle();
    h.clock.advance(10_000);
    h.send('recorder', 'START-INPUT-TIMERS');
    h.clock.advance(2000);
    await settle();
    assert.deepEqual(briefs(h.take()), [
      'res 2 200 IN-PROGRESS',
      'res 3 200 COMPLETE',
      'evt RECORD-COMPLETE 2 COMPLETE 002 no-input-timeout',
    ]);
  });

  it('recording -STOP-> idle: the response lists the request and carries Record-URI; no RECORD-COMPLETE', async () => {
    const h = rec();
    h.send('recorder', 'RECORD', [['Final-Silence', '500']]);
    await settle();
    h.push('recorder', speech(25));
    h.send('recorder', 'STOP');
    await settle();
    const msgs = h.take();
    assert.deepEqual(briefs(msgs), [
      'res 1 200 IN-PROGRESS',
      'evt START-OF-INPUT 1 IN-PROGRESS',
      'res 2 200 COMPLETE [1]',
    ]);
    assert.match(headerValue(msgs[2]!.headers, 'Record-URI')!, /;size=8044;duration=500$/);
    h.push('recorder', silence(100));
    await settle();
    assert.deepEqual(h.take(), []);
    assert.equal(h.clock.pending, 0);
  });

  it('fails RECORD with uri-failure or error; 402 for RECORD while recording and START-INPUT-TIMERS when idle', async () => {
    const h = rec();
    h.send('recorder', 'RECORD', [['Record-URI', '<http://example.com/up.wav>']]);
    await settle();
    h.send('recorder', 'RECORD', [['Media-Type', 'audio/ogg']]);
    await settle();
    h.send('recorder', 'START-INPUT-TIMERS');
    h.send('recorder', 'RECORD');
    await settle();
    h.send('recorder', 'RECORD');
    await settle();
    assert.deepEqual(briefs(h.take()), [
      'res 1 407 COMPLETE 003 uri-failure',
      'res 2 407 COMPLETE 004 error',
      'res 3 402 COMPLETE',
      'res 4 200 IN-PROGRESS',
      'res 5 402 COMPLETE',
    ]);
    h.session.close();
    assert.equal(h.clock.pending, 0);
    const none = harness([], ['recorder']);
    none.send('recorder', 'RECORD');
    await settle();
    assert.deepEqual(briefs(none.take()), ['res 1 421 COMPLETE'], 'no engine: resource-specific failure');
  });
});
