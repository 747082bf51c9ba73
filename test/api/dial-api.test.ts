/**
 * POST/GET/DELETE /v1/calls through real HTTP, driving real dials: the REST routes and token auth
 * (mountCallApi) over ManagerCallsPort over a CallManager whose trunk reaches a second voicegate
 * on loopback. Refusals keep their codes (400 invalid_number with the parser's reason, 400
 * unknown_trunk, 429 queue_full with Retry-After); DELETE cancels a dial mid-plan.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { HttpServer, ManagerCallsPort, mountCallApi, type CallApi } from '../../src/api/index.js';
import { DialGate, profilesWith } from '../call/dial-harness.js';
import { app, gate, sleep, stopGates, until, type Gate } from '../call/harness.js';

const TOKEN = 'dial-api-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const { dir, profiles } = profilesWith({
  'trunk-tight.yaml': [
    'kind: trunk',
    'name: tight',
    'numberFormat: { style: national }',
    'timeouts: { answerMs: 5000 }',
    'limits: { maxConcurrentCalls: 1, callsPerSecond: 2, queueSize: 2 }',
    '',
  ].join('\n'),
});

interface Detail {
  id: string;
  state: string;
  outcome: string | null;
  detail: string | null;
  step: string | null;
  cdr: { dialing?: { outcome: string } } | null;
}

describe('the call API drives real dials (HTTP → ManagerCallsPort → CallManager.dial)', () => {
  const http = new HttpServer({ host: '127.0.0.1', port: 0, maxConnections: 100, logger });
  let api: CallApi;
  let base = '';
  let platform: Gate;
  let dialer: DialGate;

  before(async () => {
    // The platform answers and stays silent (never a prompt) for 8 s, then hangs up.
    platform = await gate({
      apps: [
        app('platform', [{ type: 'answer' }, { type: 'pause', ms: 8000 }, { type: 'hangup', cause: 16 }]),
      ],
    });
    dialer = await new DialGate({ peerPort: platform.port, profiles, trunkProfile: 'tight' }).start();
    api = mountCallApi(http, new ManagerCallsPort(dialer.manager), {
      tokens: [TOKEN],
      maxBodyBytes: 4096,
      rateLimit: { perSecond: 1000, burst: 1000 },
      events: { maxClients: 4, maxBufferedBytes: 64 * 1024 },
      version: 'test',
    });
    await http.start();
    base = `http://127.0.0.1:${http.address().port}`;
  });
  after(async () => {
    api.close();
    await http.stop();
    await dialer.stop();
    await stopGates();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown, headers: Record<string, string> = json) =>
    fetch(`${base}/v1/calls`, { method: 'POST', headers, body: JSON.stringify(body) });
  const get = async (id: string) =>
    (await (await fetch(`${base}/v1/calls/${id}`, { headers: auth })).json()) as Detail;

  it('refuses a request without the token (401) and never dials', async () => {
    const r = await post({ to: '13800138000', trunk: 'carrier' }, { 'content-type': 'application/json' });
    assert.equal(r.status, 401);
    assert.equal(dialer.manager.dialer!.counters.requested, 0);
  });

  it('POST a plain number: 201, then GET shows it dialing and finally answered, with its CDR', async () => {
    const r = await post({ to: '13800138000', trunk: 'carrier', tag: { order: 'A1' } });
    assert.equal(r.status, 201);
    const c = (await r.json()) as { id: string; direction: string; to: string; state: string };
    assert.equal(c.direction, 'outbound');
    assert.equal(c.to, '13800138000');
    await until(() => dialer.manager.dialer!.get(c.id)?.state === 'ended', 'the dial to end', 8000);
    const d = await get(c.id);
    assert.equal(d.state, 'ended');
    assert.equal(d.outcome, 'answered');
    assert.equal(d.cdr?.dialing?.outcome, 'answered');
  });

  it('DELETE a dial mid-plan: 200, the plan ends cancelled and the call is hung up; a second DELETE is 409', async () => {
    // 1700… is the answered-rfc4733 platform: it waits for a prompt the silent platform never plays.
    const r = await post({ to: '17001234567-1234', trunk: 'carrier' });
    assert.equal(r.status, 201);
    const { id } = (await r.json()) as { id: string };
    await until(() => dialer.manager.dialer!.get(id)?.step === 'waitPromptEnd', 'the prompt wait', 5000);
    assert.equal((await get(id)).step, 'waitPromptEnd');
    const del = await fetch(`${base}/v1/calls/${id}`, { method: 'DELETE', headers: auth });
    assert.equal(del.status, 200);
    await until(() => dialer.manager.dialer!.get(id)?.state === 'ended', 'the dial to end', 5000);
    const d = await get(id);
    assert.equal(d.outcome, 'failed');
    assert.equal(d.detail, 'cancelled_api_hangup');
    assert.equal((await fetch(`${base}/v1/calls/${id}`, { method: 'DELETE', headers: auth })).status, 409);
    assert.equal((await fetch(`${base}/v1/calls/nope`, { method: 'DELETE', headers: auth })).status, 404);
  });

  it('400 for a masked number (with the reason) and for an unknown trunk', async () => {
    let r = await post({ to: '170****4567-1234', trunk: 'carrier' });
    assert.equal(r.status, 400);
    const body = (await r.json()) as { error: string; reason: string };
    assert.equal(body.error, 'invalid_number');
    assert.equal(body.reason, 'masked_number');
    r = await post({ to: '13800138000', trunk: 'nowhere' });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { error: string }).error, 'unknown_trunk');
  });

  it('a flood beyond the trunk queue: 429 with Retry-After; what was accepted ends; nothing stays', async () => {
    await sleep(600); // past the 2-per-second pacing slot of the previous tests' dials
    const rs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => post({ to: `1700123${4500 + i}-1234`, trunk: 'carrier' })),
    );
    const codes = rs.map((r) => r.status).sort();
    assert.deepEqual(codes, [201, 201, 201, 429, 429, 429, 429, 429], 'one admitted, two queued');
    for (const r of rs.filter((x) => x.status === 429)) {
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
      assert.equal(((await r.json()) as { error: string }).error, 'queue_full');
    }
    const ids = await Promise.all(
      rs.filter((x) => x.status === 201).map(async (r) => ((await r.json()) as { id: string }).id),
    );
    // Each waits for a prompt that never comes: cancel them, queued or dialing.
    for (const id of ids)
      assert.equal((await fetch(`${base}/v1/calls/${id}`, { method: 'DELETE', headers: auth })).status, 200);
    await until(() => dialer.manager.dialer!.live.size === 0, 'no dial left', 8000);
    assert.equal(dialer.manager.dialer!.trunkStats().carrier?.active, 0);
  });
});
