/**
 * Two client behaviours the call layer relies on, over real sockets:
 * - sessions set up at the same time each keep their channels on one connection, so a session
 *   that uses only its recognizer does not lose its synthesizer's connection to the server's idle
 *   timeout (which closes connections no channel has spoken on) — and with it the whole session;
 * - a request larger than the message size limit fails alone (`message-too-large`), unsent: the
 *   session and the shared connection go on.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MrcpClientError } from '../../../src/mrcp/index.js';
import { sleep, startPair, until, type Pair } from './net-helpers.js';

const base = (): number => 50000 + 2 * Math.floor(Math.random() * 3000);

describe('client connections under concurrent sessions and oversized requests', () => {
  const pairs: Pair[] = [];
  after(async () => {
    for (const p of pairs) await p.close();
  });

  test('sessions opened at once keep their channels together; an unused synthesizer does not end a session', async () => {
    const p = await startPair({ rtpBase: base(), server: { mrcp: { idleTimeoutMs: 150 } } });
    pairs.push(p);
    const sessions = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        p.client.openSession({ resources: ['speechsynth', 'speechrecog'], callId: `c${i}` }),
      ),
    );
    const closed: string[] = [];
    sessions.forEach((s, i) => (s.events.onClosed = (reason) => closed.push(`${i}: ${reason}`)));
    // Each session speaks on its recognizer only (a gather without a prompt).
    for (const s of sessions)
      assert.equal((await s.setParams('speechrecog', { 'N-Best-List-Length': '2' })).statusCode, 200);
    await sleep(500);
    assert.deepEqual(closed, [], 'no session lost a connection to the idle timeout');
    for (const s of sessions)
      assert.equal((await s.getParams('speechrecog', ['N-Best-List-Length'])).statusCode, 200);
    for (const s of sessions) s.close();
    await until(() => p.server.sessionCount === 0, 3000, 'sessions closed');
  });

  test('a request over the message size limit fails alone with message-too-large', async () => {
    const p = await startPair({ rtpBase: base(), client: { limits: { maxMessageSize: 64 << 10 } } });
    pairs.push(p);
    const s = await p.client.openSession({ resources: ['speechsynth', 'speechrecog'] });
    const other = await p.client.openSession({ resources: ['speechsynth'] });
    const t0 = Date.now();
    await assert.rejects(s.speak('word '.repeat(20_000)).done, (e: unknown) => {
      assert.ok(e instanceof MrcpClientError);
      assert.equal(e.code, 'message-too-large');
      return true;
    });
    assert.ok(Date.now() - t0 < 1000, 'at once, not after a response timeout');
    assert.equal(s.isClosed, false);
    assert.equal(p.client.counters.dropped['message-too-large'], 1);
    assert.equal((await s.speak('still here').done).cause, 'normal');
    assert.equal((await other.speak('me too').done).cause, 'normal');
    s.close();
    other.close();
    await until(() => p.server.sessionCount === 0, 3000, 'sessions closed');
  });
});
