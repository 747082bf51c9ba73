/**
 * Observability: plain counters per resource, method, status and cause on both sides, first-audio
 * latency and time to RECOGNITION-COMPLETE, sessions/channels/connections active, and log lines
 * tagged `<session@resource>` carrying the call id.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MrcpLogger } from '../../../src/mrcp/index.js';
import { startPair, until } from './net-helpers.js';

function capture(): MrcpLogger & { lines: { level: string; msg: string; meta: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; meta: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (msg: string, meta: Record<string, unknown> = {}) =>
      void lines.push({ level, msg, meta });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

test('counters, latencies and tagged logs on server and client', async () => {
  const slog = capture();
  const clog = capture();
  const p = await startPair({ rtpBase: 59000, server: { logger: slog }, client: { logger: clog } });
  try {
    const s = await p.client.openSession({ resources: ['speechsynth', 'speechrecog'], callId: 'obs-call' });
    assert.equal(p.server.counters.sessionsActive, 1);
    assert.equal(p.server.counters.channelsActive, 2);
    assert.equal(p.server.counters.connectionsActive, 1);
    assert.equal(p.client.counters.sessionsActive, 1);
    assert.equal(p.client.counters.channelsActive, 2);
    assert.equal((await s.speak('observe').done).cause, 'normal');
    const rec = s.recognize({ uris: ['builtin:dtmf/digits?length=1'] });
    s.sendDigits('5');
    assert.equal((await rec.done).cause, 'success');
    s.close();
    await until(() => p.server.sessionCount === 0);

    const srv = p.server.counters;
    assert.equal(srv.resources.speechsynth.requests.SPEAK, 1);
    assert.equal(srv.resources.speechsynth.responses['SPEAK 200'], 1);
    assert.equal(srv.resources.speechsynth.causes['speechsynth 000 normal'], 1);
    assert.equal(srv.resources.speechrecog.requests.RECOGNIZE, 1);
    assert.equal(srv.resources.speechrecog.events['START-OF-INPUT'], 1);
    assert.equal(srv.resources.speechrecog.causes['speechrecog 000 success'], 1);
    assert.equal(srv.firstAudio.count, 1);
    assert.ok(srv.firstAudio.sum > 0 && srv.firstAudio.sum < 1);
    assert.equal(srv.recognitionTime.count, 1);
    assert.equal(srv.sessionsOpened, 1);
    assert.equal(srv.sessionsClosed.bye, 1);
    assert.equal(srv.sessionsActive, 0);
    assert.equal(srv.channelsActive, 0);

    const cli = p.client.counters;
    assert.equal(cli.resources.speechsynth.requests.SPEAK, 1);
    assert.equal(cli.resources.speechsynth.responses['SPEAK 200'], 1);
    assert.equal(cli.resources.speechsynth.events['SPEAK-COMPLETE'], 1);
    assert.equal(cli.resources.speechrecog.causes['speechrecog 000 success'], 1);
    assert.equal(cli.firstAudio.count, 1);
    assert.equal(cli.recognitionTime.count, 1);
    assert.equal(cli.sessionsActive, 0);

    const transition = slog.lines.find((l) =>
      /^<[0-9a-f]{16}@speechsynth> State Transition idle -> speaking/.test(l.msg),
    );
    assert.ok(transition, 'server channel lines are tagged <session@resource>');
    assert.match(String(transition.meta.callId), /.+/, 'and carry the SIP Call-ID');
    const setup = slog.lines.find((l) => /^<[0-9a-f]{16}> MRCP session set up/.test(l.msg));
    assert.ok(setup);
    const closed = clog.lines.find((l) => /MRCP client session closed/.test(l.msg));
    assert.equal(closed?.meta.callId, 'obs-call', 'client lines carry the owning call id');
    assert.ok(closed?.msg.startsWith('<obs-call>'));
  } finally {
    await p.close();
  }
});
