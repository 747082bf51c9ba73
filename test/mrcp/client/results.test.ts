/** Typed results the client hands out: both NLSML content types, causes, STOP-ended requests. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { makeEvent, makeResponse, parseMessage } from '../../../src/mrcp/index.js';
import { completionOf, recognizeResultOf, recordResultOf } from '../../../src/mrcp/client/results.js';

const fixture = (name: string): Uint8Array =>
  readFileSync(new URL(`../../../../test/fixtures/mrcp/${name}`, import.meta.url));

function parsed(name: string) {
  const r = parseMessage(fixture(name));
  assert.ok(r.ok);
  return r.message;
}

test('RECOGNITION-COMPLETE with application/x-nlsml (UniMRCP) is read as NLSML', () => {
  const m = parsed('evt-recognition-complete-dtmf-x-nlsml.mrcp');
  assert.ok(m.kind === 'event');
  const r = recognizeResultOf(13, m);
  assert.equal(r.cause, 'success');
  assert.equal(r.causeCode, 0);
  assert.equal(r.result?.interpretations[0]?.instance, '1234');
  assert.equal(r.result?.interpretations[0]?.mode, 'dtmf');
  assert.equal(r.resultError, undefined);
});

test('RECOGNITION-COMPLETE with application/nlsml+xml is read as NLSML; no-input gives <noinput/>', () => {
  const ok = parsed('evt-recognition-complete-success.mrcp');
  assert.ok(ok.kind === 'event');
  assert.ok(recognizeResultOf(ok.requestId, ok).result?.interpretations.length);
  const none = parsed('evt-recognition-complete-no-input-timeout.mrcp');
  assert.ok(none.kind === 'event');
  const r = recognizeResultOf(none.requestId, none);
  assert.equal(r.cause, 'no-input-timeout');
  assert.equal(r.causeCode, 2);
});

test('a body of another type is reported, not parsed', () => {
  const e = makeEvent(
    'RECOGNITION-COMPLETE',
    4,
    'COMPLETE',
    'a@speechrecog',
    [
      { name: 'Completion-Cause', value: '000 success' },
      { name: 'Content-Type', value: 'text/plain' },
    ],
    'hello',
  );
  const r = recognizeResultOf(4, e);
  assert.equal(r.result, undefined);
  assert.match(r.resultError ?? '', /text\/plain/);
});

test('a request ended by a STOP response is `stopped`; its own COMPLETE response is not', () => {
  const stop = makeResponse(9, 200, 'COMPLETE', 'a@speechsynth', [
    { name: 'Active-Request-Id-List', value: '7' },
  ]);
  assert.equal(completionOf(7, stop).stopped, true);
  assert.equal(completionOf(9, stop).stopped, false);
  const failed = makeResponse(3, 407, 'COMPLETE', 'a@speechsynth', [
    { name: 'Completion-Cause', value: '005 language-unsupported' },
    { name: 'Completion-Reason', value: 'no voice' },
  ]);
  const c = completionOf(3, failed);
  assert.equal(c.status, 407);
  assert.equal(c.cause, 'language-unsupported');
  assert.equal(c.reason, 'no voice');
});

test('RECORD-COMPLETE: Record-URI as the server wrote it', () => {
  const m = parsed('evt-record-complete-success-silence.mrcp');
  assert.ok(m.kind === 'event');
  const r = recordResultOf(m.requestId, m);
  assert.equal(r.cause, 'success-silence');
  assert.match(r.recordUri ?? '', /^<.+>/);
});
