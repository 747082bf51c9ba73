/**
 * The runner's ordering rules in fake time, with a scripted channel: a redirect wins over a hook
 * reply still in flight, a killed verb posts no actionHook, and no timer outlives the run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppRunner, type AppChannel } from '../../../src/call/index.js';
import type { ChannelResult } from '../../../src/call/app/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeHost, tick } from '../verbs/fake-host.js';

class ScriptedChannel implements AppChannel {
  readonly kind = 'webhook' as const;
  readonly hooks: { hook: unknown; payload: Record<string, unknown>; reply(r: ChannelResult): void }[] = [];
  readonly notes: string[] = [];
  closed = false;
  constructor(private readonly first: ChannelResult) {}
  start(): Promise<ChannelResult> {
    return Promise.resolve(this.first);
  }
  hook(hook: unknown, payload: Record<string, unknown>): Promise<ChannelResult> {
    return new Promise((reply) => this.hooks.push({ hook, payload, reply }));
  }
  notify(type: string): void {
    this.notes.push(type);
  }
  close(): void {
    this.closed = true;
  }
}

function setup(first: ChannelResult, playMs = 1000) {
  const clock = new FakeClock();
  const host = new FakeHost(clock, { playMs });
  const channel = new ScriptedChannel(first);
  const runner = new AppRunner({
    source: { verbs: [] },
    channel,
    host,
    call: { call_sid: 'c', direction: 'inbound', from: 'a', to: 'b' },
    fallback: { prompt: 'error.wav', cause: 41, maxPromptMs: 3000 },
  });
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      clock.advance(10);
      await tick();
    }
  };
  return { clock, host, channel, runner, advance };
}

describe('application runner in fake time', () => {
  it('a redirect while a hook reply is in flight wins over that reply', async () => {
    const s = setup({ ok: true, verbs: [{ verb: 'play', url: 'a.wav', actionHook: '/a' }] });
    const done = s.runner.run();
    await s.advance(1010);
    assert.equal(s.channel.hooks.length, 1, 'the play finished and its hook is in flight');
    assert.deepEqual(await s.runner.redirect({ verbs: [{ verb: 'play', url: 'b.wav' }] }), { ok: true });
    s.channel.hooks[0]!.reply({ ok: true, verbs: [{ verb: 'play', url: 'c.wav' }] });
    await s.advance(1100);
    const end = await done;
    assert.equal(end.how, 'done');
    assert.deepEqual(s.host.actions, ['answer', 'play a.wav', 'play b.wav', 'hangup 16']);
    assert.equal(s.clock.pending, 0);
    assert.ok(s.channel.closed);
  });

  it('a verb killed by a redirect posts no actionHook', async () => {
    const s = setup({ ok: true, verbs: [{ verb: 'gather', numDigits: 1, timeout: 10, actionHook: '/g' }] });
    const done = s.runner.run();
    await s.advance(100);
    await s.runner.redirect({ verbs: [{ verb: 'pause', length: 1 }] });
    await s.advance(1100);
    assert.equal((await done).how, 'done');
    assert.equal(s.channel.hooks.length, 0);
    assert.equal(s.clock.pending, 0);
  });

  it('the fallback prompt is cut at maxPromptMs; its timer is cleared when it ends first', async () => {
    const long = setup({ ok: false, code: 'network', message: 'refused' }, 60_000);
    const done = long.runner.run();
    await long.advance(3010);
    const end = await done;
    assert.equal(end.how, 'fallback');
    assert.deepEqual(long.host.actions, ['early', 'play error.wav', 'stop error.wav', 'hangup 41']);
    assert.equal(long.clock.pending, 0);
    const short = setup({ ok: false, code: 'timeout', message: 'slow' }, 500);
    const d2 = short.runner.run();
    await short.advance(510);
    assert.equal((await d2).how, 'fallback');
    assert.equal(short.clock.pending, 0, 'the 3 s bound was cleared');
  });

  it('hook payloads carry the call data, status and the verb fields', async () => {
    const s = setup({ ok: true, verbs: [{ verb: 'play', url: 'a.wav', actionHook: '/a' }] });
    const done = s.runner.run();
    await s.advance(1010);
    assert.deepEqual(s.channel.hooks[0]!.payload, {
      call_sid: 'c',
      direction: 'inbound',
      from: 'a',
      to: 'b',
      call_status: 'trying',
      reason: 'playCompleted',
      playback_milliseconds: 1000,
    });
    s.channel.hooks[0]!.reply({ ok: true, verbs: [] });
    await s.advance(10);
    assert.equal((await done).how, 'done');
    assert.ok(s.channel.notes.includes('verb:status'));
  });
});
