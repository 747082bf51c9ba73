import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import {
  HttpServer,
  mountCallApi,
  type CallApi,
  type CallEvent,
  type CallsPort,
  type CallSummary,
} from '../../src/api/index.js';

const TOKEN = 'test-token-0123456789abcdef';

class FakeCalls implements CallsPort {
  calls = new Map<string, CallSummary>();
  listeners = new Set<(ev: CallEvent) => void>();
  originated: unknown[] = [];
  commands: unknown[] = [];
  queueFull = false;

  async originate(req: Parameters<CallsPort['originate']>[0]) {
    this.originated.push(req);
    if (this.queueFull) {
      return {
        ok: false as const,
        error: { code: 'queue_full' as const, message: 'queue full', retryAfterSeconds: 3 },
      };
    }
    if (req.trunk === 'nope')
      return { ok: false as const, error: { code: 'unknown_trunk' as const, message: 'no trunk nope' } };
    const c: CallSummary = {
      id: `c${this.calls.size + 1}`,
      direction: 'outbound',
      state: 'dialing',
      from: req.from ?? 'anonymous',
      to: typeof req.to === 'string' ? req.to : req.to.number,
      trunk: req.trunk,
      startedAt: new Date(0).toISOString(),
    };
    this.calls.set(c.id, c);
    return { ok: true as const, value: c };
  }
  list() {
    return [...this.calls.values()];
  }
  get(id: string) {
    const c = this.calls.get(id);
    return c ? { ...c } : undefined;
  }
  async command(id: string, cmd: Parameters<CallsPort['command']>[1]) {
    this.commands.push({ id, cmd });
    const c = this.calls.get(id);
    if (!c) return { ok: false as const, error: { code: 'not_found' as const, message: `no call ${id}` } };
    return { ok: true as const, value: c };
  }
  subscribe(l: (ev: CallEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(ev: CallEvent) {
    for (const l of this.listeners) l(ev);
  }
}

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('REST call-control API', () => {
  const calls = new FakeCalls();
  const http = new HttpServer({ host: '127.0.0.1', port: 0, maxConnections: 100, logger });
  let api: CallApi;
  let base = '';
  const auth = { authorization: `Bearer ${TOKEN}` };
  const json = { ...auth, 'content-type': 'application/json' };

  before(async () => {
    api = mountCallApi(http, calls, {
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
  });

  it('rejects a missing or wrong token with 401', async () => {
    assert.equal((await fetch(`${base}/v1/calls`)).status, 401);
    const r = await fetch(`${base}/v1/calls`, { headers: { authorization: 'Bearer wrong' } });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
  });

  it('originates a call and lists, shows, redirects and hangs it up', async () => {
    const r = await fetch(`${base}/v1/calls`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        to: '17012345678-1234',
        trunk: 'carrier-a',
        application: { verbs: [{ verb: 'hangup' }] },
      }),
    });
    assert.equal(r.status, 201);
    const c = (await r.json()) as CallSummary;
    assert.equal(c.to, '17012345678-1234');
    const list = (await (
      await fetch(`${base}/v1/calls?direction=outbound&limit=5`, { headers: auth })
    ).json()) as {
      calls: CallSummary[];
    };
    assert.equal(list.calls.length, 1);
    assert.equal((await fetch(`${base}/v1/calls/${c.id}`, { headers: auth })).status, 200);
    assert.equal((await fetch(`${base}/v1/calls/zzz`, { headers: auth })).status, 404);
    const put = await fetch(`${base}/v1/calls/${c.id}`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ action: 'redirect', verbs: [{ verb: 'say', text: 'hi' }] }),
    });
    assert.equal(put.status, 200);
    assert.equal((await fetch(`${base}/v1/calls/${c.id}`, { method: 'DELETE', headers: auth })).status, 200);
    assert.deepEqual(calls.commands.at(-1), { id: c.id, cmd: { action: 'hangup', reason: 'api' } });
  });

  it('answers clear 400s for invalid requests and port errors', async () => {
    const post = (body: string, headers: Record<string, string> = json) =>
      fetch(`${base}/v1/calls`, { method: 'POST', headers, body });
    let r = await post('{not json');
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { error: string }).error, 'invalid_json');
    r = await post(JSON.stringify({ to: '1' }));
    assert.equal(r.status, 400);
    const body = (await r.json()) as { error: string; issues: { path: string }[] };
    assert.equal(body.error, 'invalid_request');
    assert.ok(body.issues.some((i) => i.path === 'trunk'));
    r = await post(JSON.stringify({ to: '1', trunk: 'a', color: 'red' }));
    assert.equal(r.status, 400);
    r = await post(JSON.stringify({ to: '1', trunk: 'nope' }));
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { error: string }).error, 'unknown_trunk');
    r = await post(JSON.stringify({ to: '1', trunk: 'a' }), { ...auth, 'content-type': 'text/plain' });
    assert.equal(r.status, 415);
    r = await post(JSON.stringify({ to: 'x'.repeat(5000), trunk: 'a' }));
    assert.equal(r.status, 413);
    r = await fetch(`${base}/v1/calls?limit=0`, { headers: auth });
    assert.equal(r.status, 400);
    r = await fetch(`${base}/v1/calls/x`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ action: 'dance' }),
    });
    assert.equal(r.status, 400);
    r = await fetch(`${base}/v1/calls/%E0%A4%A`, { headers: auth });
    assert.equal(r.status, 400);
    assert.equal((await fetch(`${base}/v1/calls`, { method: 'PATCH', headers: auth })).status, 405);
  });

  it('answers 429 with Retry-After when the call layer queue is full', async () => {
    calls.queueFull = true;
    const r = await fetch(`${base}/v1/calls`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ to: '1', trunk: 'a' }),
    });
    calls.queueFull = false;
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '3');
  });

  it('serves an OpenAPI document that matches the registered routes', async () => {
    const doc = (await (await fetch(`${base}/v1/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    assert.equal(doc.openapi, '3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, 'x')}`),
    );
    const registered = http
      .routeList()
      .filter((r) => r.pattern.test('/v1/calls') || r.pattern.test('/v1/calls/x'));
    assert.equal(registered.length, documented.length);
    for (const r of registered) {
      assert.ok(
        documented.some((op) => op.startsWith(`${r.method} `) && r.pattern.test(op.split(' ')[1]!)),
        `route ${r.method} ${r.pattern} is documented`,
      );
    }
    // Every documented operation is served (not 404/405).
    for (const op of documented) {
      const [method, path] = op.split(' ') as [string, string];
      const r = await fetch(`${base}${path}`, {
        method,
        headers: json,
        body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
      });
      assert.ok(![404, 405].includes(r.status) || path.endsWith('/x'), `${op} → ${r.status}`);
    }
    const post = doc.paths['/v1/calls']!.post as {
      requestBody: { content: Record<string, { schema: { required: string[] } }> };
    };
    assert.deepEqual(post.requestBody.content['application/json']!.schema.required.sort(), ['to', 'trunk']);
  });

  it('streams filtered events over /v1/events and refuses bad tokens', async () => {
    await assert.rejects(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/events?token=bad`);
        ws.on('open', resolve);
        ws.on('error', reject);
      }),
      /401/,
    );
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/events?types=call.&callId=c1`, {
      headers: auth,
    });
    await new Promise((r) => ws.on('open', r));
    const got: CallEvent[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d)) as CallEvent));
    calls.emit({ type: 'call.answered', callId: 'c1', time: 't' });
    calls.emit({ type: 'verb.started', callId: 'c1', time: 't' });
    calls.emit({ type: 'call.answered', callId: 'c2', time: 't' });
    calls.emit({ type: 'call.ended', callId: 'c1', time: 't' });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      got.map((e) => e.type),
      ['call.answered', 'call.ended'],
    );
    ws.close();
  });

  it('drops a consumer that stops reading instead of buffering without bound', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/events`, { headers: auth });
    await new Promise((r) => ws.on('open', r));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const before = api.counters().slowConsumersDropped;
    const big = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 2000 && api.counters().slowConsumersDropped === before; i++) {
      calls.emit({ type: 'call.progress', callId: 'c9', time: 't', data: { big } });
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    assert.equal(api.counters().slowConsumersDropped, before + 1);
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    assert.ok([1013, 1006].includes(await closed));
  });

  it('limits the rate per client with 429 and Retry-After', async () => {
    const http2 = new HttpServer({ host: '127.0.0.1', port: 0, maxConnections: 100, logger });
    const api2 = mountCallApi(http2, new FakeCalls(), {
      tokens: [TOKEN],
      maxBodyBytes: 4096,
      rateLimit: { perSecond: 5, burst: 10 },
      events: { maxClients: 1, maxBufferedBytes: 1024 },
      version: 't',
    });
    await http2.start();
    const url = `http://127.0.0.1:${http2.address().port}/v1/calls`;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await fetch(url, { headers: auth })).status);
    assert.ok(statuses.slice(0, 10).every((s) => s === 200));
    const limited = await fetch(url, { headers: auth });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    api2.close();
    await http2.stop();
  });

  it('answers 503 when no token is configured', async () => {
    const http3 = new HttpServer({ host: '127.0.0.1', port: 0, maxConnections: 10, logger });
    const api3 = mountCallApi(http3, new FakeCalls(), {
      tokens: [],
      maxBodyBytes: 4096,
      rateLimit: { perSecond: 5, burst: 10 },
      events: { maxClients: 1, maxBufferedBytes: 1024 },
      version: 't',
    });
    await http3.start();
    const r = await fetch(`http://127.0.0.1:${http3.address().port}/v1/calls`, { headers: auth });
    assert.equal(r.status, 503);
    assert.equal(((await r.json()) as { error: string }).error, 'api_disabled');
    api3.close();
    await http3.stop();
  });
});
