/**
 * The application runner against real loopback applications: a webhook app (signed requests,
 * actionHook chaining, redirect), a WebSocket app (jambonz envelope, commands), and the fallback
 * when the application is down, slow, answers garbage or invalid verbs, or disconnects mid-call.
 */
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { AppRunner, type AppEvent, type AppRunnerOptions } from '../../../src/call/index.js';
import { SIGNATURE_HEADER, verifySignature } from '../../../src/call/app/index.js';
import type { Clock, TimerHandle } from '../../../src/rtp/index.js';
import { FakeHost } from '../verbs/fake-host.js';
import { ack, command, WebhookApp, WsApp } from './app-servers.js';

const SECRET = 'app-secret';
/** Real time with timers that keep the event loop alive (the system clock's are unref'd). */
const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
};
const servers: { stop(): Promise<void> }[] = [];
after(async () => Promise.all(servers.splice(0).map((s) => s.stop())));
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.stop())));

async function webhook(route: ConstructorParameters<typeof WebhookApp>[0]): Promise<WebhookApp> {
  const app = await new WebhookApp(route).start();
  servers.push(app);
  return app;
}
async function wsApp(on: ConstructorParameters<typeof WsApp>[0]): Promise<WsApp> {
  const app = await new WsApp(on).start();
  servers.push(app);
  return app;
}

function runner(host: FakeHost, source: AppRunnerOptions['source'], o: Partial<AppRunnerOptions> = {}) {
  const events: AppEvent[] = [];
  const r = new AppRunner({
    source,
    host,
    call: {
      call_sid: 'cs-1',
      direction: 'inbound',
      from: '1001',
      to: '4000',
      trunk: 'carrier',
      sip_call_id: 'abc@h',
    },
    secret: SECRET,
    webhookTimeoutMs: 400,
    ackTimeoutMs: 400,
    connectTimeoutMs: 400,
    fallback: { prompt: 'error.wav', cause: 41 },
    onEvent: (e) => events.push(e),
    ...o,
  });
  return { r, events };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Presses digits as soon as a gather starts. */
function pressOnGather(host: FakeHost, events: AppEvent[], digits: string[]): void {
  let n = 0;
  const orig = events.push.bind(events);
  events.push = (...evs: AppEvent[]) => {
    for (const e of evs) {
      if (e.type === 'verb:status' && e.data.verb === 'gather' && e.data.status === 'starting') {
        const d = digits[n++];
        if (d !== undefined) setTimeout(() => host.press(d), 20);
      }
    }
    return orig(...evs);
  };
}

describe('application runner: webhook application', () => {
  it('posts the call data signed, runs the verbs, chains actionHooks, hangs up when they run out', async () => {
    const app = await webhook((path, json) => {
      if (path === '/call') {
        return [
          { verb: 'tag', data: { campaign: 'c1' } },
          { verb: 'play', url: 'welcome.wav' },
          { verb: 'gather', numDigits: 2, timeout: 2, play: { url: 'menu.wav' }, actionHook: 'answer' },
          { verb: 'play', url: 'never.wav' },
        ];
      }
      if (path === '/answer')
        return json?.digits === '42'
          ? [{ verb: 'play', url: 'thanks.wav' }]
          : [{ verb: 'hangup', cause: 21 }];
      return [];
    });
    const host = new FakeHost(systemClock, { playMs: 60 });
    const { r, events } = runner(host, { webhook: `${app.url}/call` });
    pressOnGather(host, events, ['42']);
    const end = await r.run();
    assert.deepEqual(end, { how: 'done', verbs: 4, hooks: 1 });
    assert.deepEqual(app.paths(), ['/call', '/answer']);
    const first = app.seen[0]!;
    assert.ok(verifySignature(SECRET, first.body, first.headers[SIGNATURE_HEADER] as string), 'signed');
    assert.deepEqual(first.json, {
      call_sid: 'cs-1',
      direction: 'inbound',
      from: '1001',
      to: '4000',
      trunk: 'carrier',
      sip_call_id: 'abc@h',
      call_status: 'trying',
    });
    const hook = app.seen[1]!;
    assert.ok(verifySignature(SECRET, hook.body, hook.headers[SIGNATURE_HEADER] as string));
    assert.equal(hook.json?.reason, 'dtmfDetected');
    assert.equal(hook.json?.digits, '42');
    assert.deepEqual(hook.json?.customerData, { campaign: 'c1' }, 'tags come back as customerData');
    assert.deepEqual(host.tags, { campaign: 'c1' });
    assert.deepEqual(
      host.actions.filter((a) => a.startsWith('play') || a.startsWith('hangup')),
      ['play welcome.wav', 'play menu.wav', 'play thanks.wav', 'hangup 16'],
      'the hook reply replaced the verbs left',
    );
    const statuses = events
      .filter((e) => e.type === 'verb:status')
      .map((e) => `${e.data.verb}:${e.data.status}`);
    assert.deepEqual(statuses.slice(0, 4), [
      'tag:starting',
      'tag:finished',
      'play:starting',
      'play:finished',
    ]);
  });

  it('an empty hook reply lets the verbs left run; redirect replaces them even with nothing', async () => {
    const app = await webhook((path) => {
      if (path === '/call') {
        return [
          { verb: 'play', url: 'a.wav', actionHook: '/played' },
          { verb: 'play', url: 'b.wav' },
          { verb: 'redirect', actionHook: '/next' },
          { verb: 'play', url: 'never.wav' },
        ];
      }
      if (path === '/played') return '';
      return [];
    });
    const host = new FakeHost(systemClock, { playMs: 30 });
    const { r } = runner(host, { webhook: `${app.url}/call` });
    const end = await r.run();
    assert.equal(end.how, 'done');
    assert.deepEqual(app.paths(), ['/call', '/played', '/next']);
    assert.equal(app.seen[1]!.json?.reason, 'playCompleted');
    assert.deepEqual(host.actions, ['answer', 'play a.wav', 'play b.wav', 'hangup 16']);
  });

  it('relative hooks resolve against the application URL; hook objects carry method and basic auth', async () => {
    const app = await webhook((path) =>
      path === '/apps/ivr'
        ? [{ verb: 'redirect', actionHook: { url: 'step2', method: 'GET', username: 'u', password: 'p' } }]
        : [],
    );
    const host = new FakeHost(systemClock);
    await runner(host, { webhook: `${app.url}/apps/ivr` }).r.run();
    const hook = app.seen[1]!;
    assert.equal(hook.path, '/apps/step2');
    assert.equal(hook.method, 'GET');
    assert.equal(hook.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('redirect in the middle of a long play: the play stops, the new verbs run', async () => {
    const app = await webhook((path) =>
      path === '/call'
        ? [
            { verb: 'play', url: 'long.wav' },
            { verb: 'play', url: 'never.wav' },
          ]
        : [{ verb: 'hangup', cause: 17 }],
    );
    const host = new FakeHost(systemClock, { playMs: { 'long.wav': 20_000, 'b.wav': 30 } });
    const { r, events } = runner(host, { webhook: `${app.url}/call` });
    const done = r.run();
    await until(() => host.isPlaying === 'long.wav', 'the long play');
    const bad = await r.redirect({ verbs: [{ verb: 'play' }] });
    assert.ok(!bad.ok);
    assert.match(bad.message, /\[0\] play\.url/);
    assert.equal(host.isPlaying, 'long.wav', 'an invalid redirect changes nothing');
    assert.deepEqual(await r.redirect({ verbs: [{ verb: 'play', url: 'b.wav' }] }), { ok: true });
    const end = await done;
    assert.equal(end.how, 'done');
    assert.deepEqual(host.actions, ['answer', 'play long.wav', 'stop long.wav', 'play b.wav', 'hangup 16']);
    assert.ok(
      events.some((e) => e.type === 'verb:status' && e.data.verb === 'play' && e.data.outcome === 'killed'),
    );
    // Redirect by hook: the reply replaces the verbs.
    const host2 = new FakeHost(systemClock, { playMs: 20_000 });
    const r2 = runner(host2, { webhook: `${app.url}/call` }).r;
    const done2 = r2.run();
    await until(() => host2.isPlaying === 'long.wav', 'the long play');
    assert.deepEqual(await r2.redirect({ hook: `${app.url}/other` }), { ok: true });
    assert.equal((await done2).how, 'done');
    assert.equal(host2.hangupCause, 17);
  });

  it('the call ending during a long pause ends the run at once (no verb outlives its call)', async () => {
    const app = await webhook(() => [{ verb: 'pause', length: 3600 }]);
    const host = new FakeHost(systemClock);
    const done = runner(host, { webhook: `${app.url}/call` }).r.run();
    await until(() => host.actions.includes('early'), 'the pause');
    const t0 = Date.now();
    host.end();
    assert.equal((await done).how, 'ended');
    assert.ok(Date.now() - t0 < 500);
  });

  it('a REST redirect to a URL on a WebSocket application call is fetched over HTTP', async () => {
    const web = await webhook(() => [{ verb: 'hangup', cause: 17 }]);
    const app = await wsApp((ws, msg) => {
      if (msg.type === 'session:new') ack(ws, msg, [{ verb: 'pause', length: 60 }]);
    });
    const host = new FakeHost(systemClock);
    const { r } = runner(host, { websocket: app.url });
    const done = r.run();
    await until(() => host.actions.includes('early'), 'the pause');
    assert.deepEqual(await r.redirect({ hook: `${web.url}/rest` }), { ok: true });
    assert.equal((await done).how, 'done');
    assert.equal(host.hangupCause, 17);
    assert.equal(web.seen[0]!.json?.call_sid, 'cs-1');
    assert.equal(app.of('verb:hook').length, 0);
  });

  it('call status changes go to the status hook, signed, without waiting for it', async () => {
    const app = await webhook((path) =>
      path === '/call'
        ? [{ verb: 'play', url: 'a.wav' }]
        : (res) => setTimeout(() => res.end(), 2000).unref(),
    );
    const host = new FakeHost(systemClock, { playMs: 20 });
    const t0 = Date.now();
    const end = await runner(host, { webhook: `${app.url}/call` }, { statusHook: '/status' }).r.run();
    assert.equal(end.how, 'done');
    assert.ok(Date.now() - t0 < 1500, 'the slow status hook did not hold the call');
    await until(() => app.paths().includes('/status'), 'the status post');
    const st = app.seen.find((x) => x.path === '/status')!;
    assert.equal(st.json?.call_status, 'completed');
    assert.ok(verifySignature(SECRET, st.body, st.headers[SIGNATURE_HEADER] as string));
  });

  it('the call ending mid-verb ends the run without hanging up again', async () => {
    const app = await webhook(() => [{ verb: 'play', url: 'long.wav' }]);
    const host = new FakeHost(systemClock, { playMs: 20_000 });
    const { r } = runner(host, { webhook: `${app.url}/call` });
    const done = r.run();
    await until(() => host.isPlaying === 'long.wav', 'the play');
    host.end();
    assert.equal((await done).how, 'ended');
    assert.ok(!host.actions.some((a) => a.startsWith('hangup')));
  });
});

describe('application runner: fallback', () => {
  async function expectFallback(
    source: AppRunnerOptions['source'],
    failure: string,
    detail: RegExp,
    o: Partial<AppRunnerOptions> = {},
  ) {
    const host = new FakeHost(systemClock, { playMs: 40 });
    const { r, events } = runner(host, source, o);
    const t0 = Date.now();
    const end = await r.run();
    assert.equal(end.how, 'fallback');
    assert.equal(end.failure, failure);
    assert.match(end.detail ?? '', detail);
    assert.deepEqual(host.actions.slice(-2), ['play error.wav', 'hangup 41'], host.actions.join(', '));
    assert.ok(events.some((e) => e.type === 'app:fallback' && e.data.code === failure));
    return { host, ms: Date.now() - t0, events };
  }

  it('the webhook is down', async () => {
    const app = await webhook(() => []);
    const url = `${app.url}/call`;
    await app.stop();
    const { host } = await expectFallback({ webhook: url }, 'app_unreachable', /network/);
    assert.deepEqual(host.actions, ['early', 'play error.wav', 'hangup 41'], 'early media for the prompt');
  });

  it('the webhook is slower than its timeout', async () => {
    const app = await webhook(() => (res) => setTimeout(() => res.end('[]'), 3000).unref());
    const { ms } = await expectFallback(
      { webhook: `${app.url}/call` },
      'app_unreachable',
      /timeout: no reply within 400 ms/,
    );
    assert.ok(ms < 2000, `fell back after ${ms} ms`);
  });

  it('the webhook answers garbage, a non-list, an error status, too much', async () => {
    const app = await webhook((path) =>
      path === '/garbage'
        ? '<html>oops'
        : path === '/object'
          ? '{"verb":"play"}'
          : path === '/big'
            ? JSON.stringify([{ verb: 'say', text: 'x'.repeat(5000) }])
            : (res) => ((res.statusCode = 502), res.end()),
    );
    await expectFallback({ webhook: `${app.url}/garbage` }, 'app_unreachable', /bad_json/);
    await expectFallback({ webhook: `${app.url}/object` }, 'app_unreachable', /not_verbs/);
    await expectFallback(
      { webhook: `${app.url}/status` },
      'app_unreachable',
      /http_status: webhook answered 502/,
    );
    await expectFallback({ webhook: `${app.url}/big` }, 'app_unreachable', /too_large/, {
      maxReplyBytes: 1024,
    });
  });

  it('invalid verbs: every problem is named, nothing runs', async () => {
    const app = await webhook(() => [
      { verb: 'play', url: 'a.wav' },
      { verb: 'dance' },
      { verb: 'gather', numDigits: -1 },
    ]);
    const { host } = await expectFallback(
      { webhook: `${app.url}/call` },
      'invalid_verbs',
      /\[1\] dance\.verb: unknown verb "dance".*\[2\] gather\.numDigits/,
    );
    assert.ok(!host.actions.includes('play a.wav'));
  });

  it('an actionHook that fails mid-call; a redirect loop is cut', async () => {
    const app = await webhook((path) =>
      path === '/call'
        ? [{ verb: 'play', url: 'a.wav', actionHook: '/broken' }]
        : path === '/loop'
          ? [{ verb: 'redirect', actionHook: '/loop' }]
          : (res) => ((res.statusCode = 500), res.end()),
    );
    const { host } = await expectFallback({ webhook: `${app.url}/call` }, 'hook_failed', /http_status/);
    assert.deepEqual(host.actions, ['answer', 'play a.wav', 'play error.wav', 'hangup 41']);
    await expectFallback({ webhook: `${app.url}/loop` }, 'too_many_hooks', /more than 20/, { maxHooks: 20 });
  });

  it('without a prompt the fallback hangs up at once, with its cause', async () => {
    const host = new FakeHost(systemClock);
    const { r } = runner(host, { webhook: 'http://127.0.0.1:9/none' }, { fallback: { cause: 38 } });
    const end = await r.run();
    assert.equal(end.how, 'fallback');
    assert.deepEqual(host.actions, ['hangup 38']);
  });

  it('an inline verb list runs; its relative hooks have no application to go to', async () => {
    const host = new FakeHost(systemClock, { playMs: 20 });
    const ok = await runner(host, {
      verbs: [
        { verb: 'play', url: 'a.wav' },
        { verb: 'hangup', cause: 16 },
      ],
    }).r.run();
    assert.equal(ok.how, 'done');
    assert.deepEqual(host.actions, ['answer', 'play a.wav', 'hangup 16']);
    await expectFallback({ verbs: [{ verb: 'redirect', actionHook: '/nowhere' }] }, 'hook_failed', /no_app/);
  });
});

describe('application runner: WebSocket application', () => {
  it('session:new → ack with verbs; verb:hook; verb:status, call:status, dtmf; command redirect mid-play', async () => {
    const app = await wsApp((ws, msg) => {
      if (msg.type === 'session:new') {
        ack(ws, msg, [{ verb: 'play', url: 'long.wav', id: 'p1' }]);
        setTimeout(
          () =>
            command(ws, 'redirect', [{ verb: 'gather', numDigits: 1, timeout: 2, actionHook: 'answered' }]),
          100,
        );
      } else if (msg.type === 'verb:hook') {
        ack(ws, msg, [
          { verb: 'tag', data: { answer: msg.data?.digits } },
          { verb: 'hangup', cause: 16, headers: { 'X-Done': 'yes' } },
        ]);
      }
    });
    const host = new FakeHost(systemClock, { playMs: 20_000 });
    const { r, events } = runner(host, { websocket: app.url });
    pressOnGather(host, events, ['7']);
    const end = await r.run();
    assert.deepEqual(end, { how: 'done', verbs: 4, hooks: 1 });
    assert.equal(app.protocols[0], 'ws.jambonz.org');
    assert.ok(verifySignature(SECRET, '', app.headers[0]![SIGNATURE_HEADER] as string), 'signed handshake');
    const sn = app.of('session:new')[0]!;
    assert.equal(sn.call_sid, 'cs-1');
    assert.equal(sn.data?.from, '1001');
    const hook = app.of('verb:hook')[0]!;
    assert.equal(hook.hook, 'answered');
    assert.equal(hook.data?.digits, '7');
    assert.equal(hook.data?.reason, 'dtmfDetected');
    await until(() => app.of('call:status').length > 0, 'call:status');
    assert.equal(app.of('call:status').at(-1)!.data?.call_status, 'completed');
    assert.deepEqual(
      app.of('dtmf').map((m) => m.data?.dtmf),
      ['7'],
    );
    const vs = app
      .of('verb:status')
      .map((m) => `${String(m.data?.id ?? '')}${String(m.data?.verb)}:${String(m.data?.status)}`);
    assert.deepEqual(vs.slice(0, 2), ['p1play:starting', 'p1play:finished']);
    assert.deepEqual(host.tags, { answer: '7' });
    assert.deepEqual(host.hangupHeaders, [['X-Done', 'yes']]);
    assert.deepEqual(host.actions.slice(0, 3), ['answer', 'play long.wav', 'stop long.wav']);
  });

  it('no ack in time: fallback and hang-up', async () => {
    const app = await wsApp(() => undefined);
    const host = new FakeHost(systemClock, { playMs: 20 });
    const t0 = Date.now();
    const end = await runner(host, { websocket: app.url }).r.run();
    assert.equal(end.how, 'fallback');
    assert.match(end.detail ?? '', /no ack for session:new within 400 ms/);
    assert.ok(Date.now() - t0 < 2000);
    assert.deepEqual(host.actions.slice(-1), ['hangup 41']);
  });

  it('the socket drops mid-call: the verb stops, the fallback runs', async () => {
    const app = await wsApp((ws, msg) => {
      if (msg.type === 'session:new') {
        ack(ws, msg, [
          { verb: 'play', url: 'long.wav' },
          { verb: 'play', url: 'never.wav' },
        ]);
        setTimeout(() => ws.terminate(), 100);
      }
    });
    const host = new FakeHost(systemClock, { playMs: { 'long.wav': 20_000, 'error.wav': 30 } });
    const end = await runner(host, { websocket: app.url }).r.run();
    assert.equal(end.how, 'fallback');
    assert.equal(end.failure, 'app_disconnected');
    assert.deepEqual(host.actions, [
      'answer',
      'play long.wav',
      'stop long.wav',
      'play error.wav',
      'hangup 41',
    ]);
  });

  it('nobody listening, and invalid verbs in an ack: fallback; the app hears an error with the issues', async () => {
    const host = new FakeHost(systemClock, { playMs: 20 });
    const down = await runner(host, { websocket: 'ws://127.0.0.1:9/x' }).r.run();
    assert.equal(down.failure, 'app_unreachable');
    const app = await wsApp((ws, msg) => {
      if (msg.type === 'session:new') ack(ws, msg, [{ verb: 'pause' }]);
    });
    const end = await runner(new FakeHost(systemClock, { playMs: 20 }), { websocket: app.url }).r.run();
    assert.equal(end.failure, 'invalid_verbs');
    await until(() => app.of('error').length > 0, 'the error message');
    assert.match(String(app.of('error')[0]!.data?.message), /\[0\] pause\.length/);
  });

  it('commands: hangup, mute without a bridge, dtmf, tag; a bad redirect is refused with an error', async () => {
    const app = await wsApp((ws, msg) => {
      if (msg.type !== 'session:new') return;
      ack(ws, msg, [{ verb: 'pause', length: 10 }]);
      setTimeout(() => {
        command(ws, 'redirect', [{ verb: 'nope' }]);
        command(ws, 'mute');
        command(ws, 'dtmf', { digits: '12' });
        command(ws, 'tag', { k: 'v' });
      }, 50);
      setTimeout(() => command(ws, 'hangup'), 250);
    });
    const host = new FakeHost(systemClock);
    const end = await runner(host, { websocket: app.url }).r.run();
    assert.equal(end.how, 'done');
    assert.equal(host.hangupCause, 16);
    assert.deepEqual(host.tags, { k: 'v' });
    assert.ok(host.actions.includes('dtmf 12 default 100/100'));
    const errors = app.of('error').map((m) => String(m.data?.message));
    assert.ok(
      errors.some((e) => /unknown verb "nope"/.test(e)),
      errors.join('|'),
    );
    assert.ok(errors.some((e) => /mute is not available/.test(e)));
  });
});
