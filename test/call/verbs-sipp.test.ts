/**
 * SIPp places inbound calls that reach a webhook application and a WebSocket application served
 * by the test: a gather whose prompt digit 1 (RFC 4733) barges into and that # ends, the actionHook's
 * reply (a play, then a hangup with a custom header). Asserted: SIPp's exit code (it checks the
 * BYE's Reason and X-App headers), what the application received, and the CDR.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CallManager, VerbsApps, type AppEvent, type Cdr } from '../../src/call/index.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/call/app/index.js';
import { FrameClock } from '../../src/media/index.js';
import { newDropCounters } from '../../src/rtp/index.js';
import { SipStack } from '../../src/sip/index.js';
import { ack, WebhookApp, WsApp } from './app/app-servers.js';
import { PROMPTS, quiet, randomPool, until } from './harness.js';
import { runSipp } from './sipp.js';

const SECRET = 'sipp-secret';
const ANSWER = [
  { verb: 'play', url: 'goodbye.wav' },
  { verb: 'hangup', headers: { 'X-App': 'verbs-test' } },
];
const FIRST = [
  { verb: 'tag', data: { survey: 's1' } },
  { verb: 'gather', finishOnKey: '#', timeout: 5, play: { url: 'welcome.wav' }, actionHook: '/digits' },
  { verb: 'play', url: 'welcome.wav' },
];

let stack: SipStack;
let manager: CallManager;
let web: WebhookApp;
let ws: WsApp;
const cdrs: Cdr[] = [];
const events: AppEvent[] = [];
let apps: VerbsApps;
let recordings = '';

before(async () => {
  web = await new WebhookApp((path) =>
    path === '/call'
      ? FIRST
      : path === '/digits'
        ? ANSWER
        : path === '/xfer'
          ? [
              { verb: 'pause', length: 0.2 },
              {
                verb: 'transfer',
                referTo: '4002',
                headers: { 'X-App': 'transfer-test' },
                actionHook: '/xfer-done',
              },
              { verb: 'play', url: 'welcome.wav' },
            ]
          : [],
  ).start();
  ws = await new WsApp((sock, msg) => {
    if (msg.type === 'session:new') ack(sock, msg, FIRST);
    else if (msg.type === 'verb:hook') ack(sock, msg, ANSWER);
  }).start();
  const common = { secret: SECRET, fallback: { prompt: 'goodbye.wav', cause: 41 as const } };
  apps = new VerbsApps({
    apps: {
      web: { source: { webhook: `${web.url}/call` }, ...common },
      ws: { source: { websocket: ws.url }, ...common },
      down: { source: { webhook: 'http://127.0.0.1:9/nobody' }, ...common },
      xfer: { source: { webhook: `${web.url}/xfer` }, ...common },
      long: {
        source: {
          verbs: [
            { verb: 'play', url: 'welcome.wav' },
            { verb: 'play', url: 'welcome.wav' },
          ],
        },
        ...common,
      },
    },
    onEvent: (e) => events.push(e),
  });
  stack = new SipStack({
    listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
    trunks: [{ name: 'carrier', peers: ['127.0.0.1:9'], transport: 'udp', acl: ['127.0.0.0/8'] }],
    sessionTimer: { enabled: false },
    logger: quiet,
  });
  recordings = mkdtempSync(join(tmpdir(), 'vg-verbs-'));
  manager = new CallManager({
    stack,
    frameClock: new FrameClock(),
    rtp: { pool: randomPool(), host: '127.0.0.1', counters: newDropCounters() },
    apps: [
      { name: 'web', steps: [], maxDurationMs: 60_000 },
      { name: 'ws', steps: [], maxDurationMs: 60_000 },
      { name: 'down', steps: [], maxDurationMs: 60_000 },
      { name: 'long', steps: [], maxDurationMs: 60_000 },
      { name: 'xfer', steps: [], maxDurationMs: 60_000 },
    ],
    routes: [
      { calledPrefix: '1', app: 'web' },
      { calledPrefix: '2', app: 'ws' },
      { calledPrefix: '3', app: 'down' },
      { calledPrefix: '4', app: 'long' },
      { calledPrefix: '5', app: 'xfer' },
    ],
    promptsDir: PROMPTS,
    recordingsDir: recordings,
    logger: quiet,
    onCdr: (c) => cdrs.push(c),
    appBody: apps.appBody,
  });
  await stack.start();
});

after(async () => {
  await manager.stop(500);
  await stack.stop();
  await web.stop();
  await ws.stop();
  rmSync(recordings, { recursive: true, force: true });
});

async function call(
  service: string,
  during?: () => Promise<void>,
  scenario = 'uac-verbs-app.xml',
): Promise<Cdr> {
  const before = cdrs.length;
  const port = stack.transport.transports[0]!.local.port;
  const sipp = runSipp({ scenario, port, service, timeoutSeconds: 30 });
  await during?.();
  const r = await sipp;
  assert.equal(r.code, 0, `sipp exit ${r.code}\n${r.errors.slice(0, 3000)}\n${r.stderr.slice(0, 2000)}`);
  await until(() => cdrs.length > before, 'the CDR');
  return cdrs[cdrs.length - 1]!;
}

describe('SIPp calls reach verbs applications', () => {
  it('a webhook application: play with barge-in, gather, actionHook, hangup with headers', async () => {
    let live: string | undefined;
    const cdr = await call('1000', async () => {
      await until(() => apps.size === 1, 'the runner of the live call');
      live = [...manager.calls.keys()][0];
      assert.ok(apps.runner(live!), 'the REST API finds the runner by call id');
    });
    assert.equal(live, cdr.callId);
    assert.equal(apps.size, 0);
    assert.deepEqual(web.paths(), ['/call', '/digits']);
    const first = web.seen[0]!;
    assert.ok(verifySignature(SECRET, first.body, first.headers[SIGNATURE_HEADER] as string));
    assert.equal(first.json?.from, 'sipp');
    assert.equal(first.json?.to, '1000');
    assert.equal(first.json?.direction, 'inbound');
    assert.equal(first.json?.trunk, 'carrier');
    const hook = web.seen[1]!.json!;
    assert.equal(hook.reason, 'dtmfDetected');
    assert.equal(hook.digits, '1');
    assert.equal(hook.call_status, 'in-progress');
    assert.equal(cdr.digits, '1#');
    assert.equal(cdr.digitSources.rfc4733, 2);
    assert.equal(cdr.endCause.by, 'voicegate');
    assert.equal(cdr.endCause.what, 'app-hangup');
    assert.equal(cdr.endCause.q850, 16);
    assert.equal(cdr.app, 'web');
    const verbs = events
      .filter((e) => e.callSid === cdr.callId && e.type === 'verb:status' && e.data.status === 'finished')
      .map((e) => `${String(e.data.verb)}:${String(e.data.outcome)}`);
    assert.deepEqual(cdr.tags, { survey: 's1' }, 'tag verb data in the CDR');
    assert.deepEqual(verbs, ['tag:done', 'gather:done', 'play:done', 'hangup:done']);
    // Without barge-in: 5.1 s of welcome.wav, then 1.9 s of goodbye.wav.
    assert.ok(cdr.talkMs < 5000, `digit 1 cut the gather's prompt (${cdr.talkMs} ms)`);
  });

  it('a WebSocket application: the same call over the jambonz envelope', async () => {
    const cdr = await call('2000');
    const sn = ws.of('session:new').at(-1)!;
    assert.equal(sn.call_sid, cdr.callId);
    assert.equal(sn.data?.to, '2000');
    const hook = ws.of('verb:hook').at(-1)!;
    assert.equal(hook.hook, '/digits');
    assert.equal(hook.data?.digits, '1');
    assert.deepEqual(
      ws.of('dtmf').map((m) => m.data?.dtmf),
      ['1', '#'],
    );
    assert.ok(ws.of('call:status').some((m) => m.data?.call_status === 'in-progress'));
    assert.equal(cdr.digits, '1#');
    assert.equal(cdr.endCause.what, 'app-hangup');
    assert.equal(apps.size, 0, 'no runner left');
  });

  it('an application that is down: the fallback prompt as early media, then 503 with cause 41', async () => {
    const before = events.length;
    const cdr = await call('3000', undefined, 'uac-expect-early-503.xml');
    assert.equal(cdr.earlyMedia, true);
    assert.equal(cdr.answer, null);
    assert.equal(cdr.endCause.by, 'voicegate');
    assert.equal(cdr.endCause.sipCode, 503);
    assert.equal(cdr.endCause.q850, 41);
    assert.ok(cdr.rtp!.packetsSent > 50, `${cdr.rtp!.packetsSent} packets of the fallback prompt`);
    const fb = events.slice(before).find((e) => e.type === 'app:fallback');
    assert.equal(fb?.data.code, 'app_unreachable');
  });

  it('an inline application redirected in the middle of a long play (the REST path)', async () => {
    const before = events.length;
    const cdr = await call('4000', async () => {
      await until(() => apps.size === 1, 'the runner');
      const id = [...manager.calls.keys()][0]!;
      await until(() => apps.runner(id)?.currentVerb === 'play', 'the play');
      await new Promise((r) => setTimeout(r, 1500));
      const r = await apps.runner(id)!.redirect({
        verbs: [{ verb: 'hangup', cause: 16, headers: { 'X-App': 'verbs-test' } }],
      });
      assert.deepEqual(r, { ok: true });
    });
    const verbs = events
      .slice(before)
      .filter((e) => e.type === 'verb:status' && e.data.status === 'finished')
      .map((e) => `${String(e.data.verb)}:${String(e.data.outcome)}`);
    assert.deepEqual(verbs, ['play:killed', 'hangup:done']);
    assert.ok(cdr.talkMs < 4500, `redirected before the 5.1 s prompt ended (${cdr.talkMs} ms)`);
    assert.equal(cdr.endCause.what, 'app-hangup');
  });

  it('transfer: REFER (RFC 3515) to a SIPp leg that accepts it, NOTIFY progress, then our BYE', async () => {
    const before = events.length;
    const cdr = await call('5000', undefined, 'uac-accept-refer.xml');
    const mine = events.slice(before);
    const progress = mine
      .filter((e) => e.type === 'verb:status' && e.data.status === 'progress')
      .map((e) => e.data.sip_status);
    assert.deepEqual(progress, [100, 200]);
    const fin = mine.find(
      (e) => e.type === 'verb:status' && e.data.verb === 'transfer' && e.data.status === 'finished',
    );
    assert.equal(fin?.data.outcome, 'done');
    const hook = web.seen.find((x) => x.path === '/xfer-done')?.json;
    assert.equal(hook?.refer_status, 202);
    assert.equal(hook?.final_referred_call_status, 200);
    assert.equal(cdr.endCause.what, 'app-hangup');
    assert.equal(cdr.endCause.q850, 16);
  });
});
