import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPair, until } from './net-helpers.js';

test('smoke: open a session, SPEAK, audio arrives, close', async () => {
  const p = await startPair({ rtpBase: 41000 });
  try {
    const s = await p.client.openSession({ resources: ['speechsynth', 'speechrecog'], callId: 'call-1' });
    let frames = 0;
    s.events.onAudio = () => frames++;
    const h = s.speak('hello world');
    const res = await h.response;
    assert.equal(res.statusCode, 200);
    const done = await h.done;
    assert.equal(done.cause, 'normal');
    await until(() => frames > 5, 2000, 'audio frames');
    assert.equal(p.server.sessionCount, 1);
    s.close();
    await until(() => p.server.sessionCount === 0, 2000, 'server session end');
  } finally {
    await p.close();
  }
});
