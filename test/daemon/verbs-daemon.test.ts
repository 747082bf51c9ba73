/**
 * The daemon as shipped, running verbs applications: a route names a webhook application in the
 * config; SIPp's call reaches it (signed requests, actionHook chaining, tags in the CDR); the call
 * API on the daemon's HTTP port lists the call, refuses an invalid redirect with every problem
 * named, redirects it to new verbs (which hang up), and streams its events on /v1/events; an
 * application that is down gets the fallback prompt and a hang-up with cause 41.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import WebSocket from 'ws';
import { verifySignature } from '../../src/call/app/index.js';
import { runSipp } from '../call/sipp.js';
import { DaemonProcess, type LogLine } from '../helpers/daemon-process.js';

const dir = mkdtempSync(join(tmpdir(), 'vg-verbs-daemon-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'app-secret-0123456789abcdef';
const TOKEN = 'verbs-daemon-token-0123456789';

function config(name: string, extra: string): string {
  const file = join(dir, name);
  const base = 30000 + 2 * Math.floor(Math.random() * 5000);
  writeFileSync(
    file,
    `http:\n  port: 0\nrtp:\n  portMin: ${base}\n  portMax: ${base + 99}\nmrcpServer:\n  enabled: false\n${extra}`,
  );
  return file;
}

async function sipPort(d: DaemonProcess): Promise<number> {
  const l = await d.waitFor((x) => x.msg === 'SIP stack started');
  const key = Object.keys(l.listeners as Record<string, boolean>).find((k) => k.startsWith('sip-udp-'))!;
  return Number(key.slice('sip-udp-'.length));
}

interface Hit {
  path: string;
  body: Record<string, unknown>;
  signed: boolean;
}

/** A webhook application: `reply(path, body)` gives the verbs. */
async function webhookApp(reply: (path: string, body: Record<string, unknown>) => unknown): Promise<{
  url: string;
  hits: Hit[];
  server: Server;
}> {
  const hits: Hit[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const path = req.url ?? '/';
      hits.push({
        path,
        body,
        signed: verifySignature(SECRET, text, req.headers['voicegate-signature'] as string),
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(reply(path, body) ?? []));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

const cdrOf = (l: LogLine): Record<string, unknown> => l.cdr as Record<string, unknown>;

describe('daemon with verbs applications', () => {
  it('a route reaches a webhook application: signed requests, gather actionHook, tags in the CDR', async () => {
    const app = await webhookApp((path, body) => {
      if (path === '/call')
        return [
          { verb: 'play', url: 'welcome.wav' },
          { verb: 'gather', input: ['digits'], finishOnKey: '#', timeout: 5, actionHook: '/digits' },
        ];
      if (path === '/digits') return [{ verb: 'tag', data: { answer: body.digits } }, { verb: 'hangup' }];
      return [];
    });
    const d = new DaemonProcess([
      '--config',
      config(
        'webhook.yaml',
        `calls:\n  routes: [{ app: ivr }]\n  apps:\n    ivr:\n      application: { webhook: ${app.url}/call }\n      secret: ${SECRET}\n`,
      ),
    ]);
    try {
      await d.ready();
      const port = await sipPort(d);
      const r = await runSipp({ scenario: 'uac-demo-digits.xml', port, service: '100' });
      assert.equal(r.code, 0, r.errors.slice(0, 2000));
      const cdr = cdrOf(await d.waitFor((l) => l.component === 'cdr'));
      assert.deepEqual(cdr.tags, { answer: '1' });
      assert.deepEqual(
        app.hits.map((h) => [h.path, h.signed]),
        [
          ['/call', true],
          ['/digits', true],
        ],
      );
      assert.equal(app.hits[0]!.body.direction, 'inbound');
      assert.equal(app.hits[1]!.body.reason, 'dtmfDetected');
      d.kill('SIGTERM');
      assert.equal((await d.exit()).code, 0);
    } finally {
      d.kill();
      app.server.close();
    }
  });

  it('the call API: list, invalid redirect refused (400), redirect to a hang-up, events streamed', async () => {
    const app = await webhookApp(() => [
      { verb: 'play', url: 'goodbye.wav' },
      { verb: 'pause', length: 60 },
    ]);
    const d = new DaemonProcess(
      [
        '--config',
        config(
          'api.yaml',
          `calls:\n  routes: [{ app: hold }]\n  apps:\n    hold:\n      application: { webhook: ${app.url}/call }\n`,
        ),
      ],
      { VOICEGATE_API_TOKEN: TOKEN },
    );
    try {
      const httpPort = (await d.ready()) as number;
      const base = `http://127.0.0.1:${httpPort}`;
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const events: { type: string; callId: string }[] = [];
      const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/v1/events`, { headers });
      ws.on('message', (m: Buffer) =>
        events.push(JSON.parse(m.toString()) as { type: string; callId: string }),
      );
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      const port = await sipPort(d);
      const sipp = runSipp({ scenario: 'uac-wait-bye.xml', port, service: '100' });
      let id = '';
      for (let i = 0; i < 100 && !id; i++) {
        const list = (await (await fetch(`${base}/v1/calls`, { headers })).json()) as {
          calls: { id: string }[];
        };
        id = list.calls[0]?.id ?? '';
        if (!id) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(id, 'the inbound call is listed');
      const put = (body: unknown) =>
        fetch(`${base}/v1/calls/${encodeURIComponent(id)}`, {
          method: 'PUT',
          headers,
          body: JSON.stringify(body),
        });
      const bad = await put({ action: 'redirect', verbs: [{ verb: 'sing' }, { verb: 'pause', length: -1 }] });
      assert.equal(bad.status, 400);
      const err = (await bad.json()) as { error: string; message: string };
      assert.equal(err.error, 'invalid_verbs');
      assert.match(err.message, /\[0\] sing/);
      assert.match(err.message, /\[1\] pause\.length/);
      const ok = await put({ action: 'redirect', verbs: [{ verb: 'hangup', cause: 16 }] });
      assert.equal(ok.status, 200, await ok.text());
      const r = await sipp;
      assert.equal(r.code, 0, `SIPp got the BYE\n${r.errors.slice(0, 2000)}`);
      const cdr = cdrOf(await d.waitFor((l) => l.component === 'cdr'));
      assert.equal((cdr.endCause as { q850: number }).q850, 16);
      for (let i = 0; i < 50 && !events.some((e) => e.type === 'verb:status'); i++)
        await new Promise((res) => setTimeout(res, 50));
      assert.ok(
        events.some((e) => e.type === 'verb:status' && e.callId === id),
        `verb events on /v1/events: ${JSON.stringify(events.map((e) => e.type))}`,
      );
      ws.close();
      d.kill('SIGTERM');
      assert.equal((await d.exit()).code, 0);
    } finally {
      d.kill();
      app.server.close();
    }
  });

  it('an application that is down: the fallback prompt as early media, then 503 with Q.850 cause 41', async () => {
    const d = new DaemonProcess([
      '--config',
      config(
        'down.yaml',
        'calls:\n  routes: [{ app: gone }]\n  apps:\n    gone:\n      application: { webhook: "http://127.0.0.1:9/call" }\n      webhookTimeoutSeconds: 1\n',
      ),
    ]);
    try {
      await d.ready();
      const port = await sipPort(d);
      const r = await runSipp({ scenario: 'uac-expect-early-503.xml', port, service: '100' });
      assert.equal(r.code, 0, r.errors.slice(0, 2000));
      const cdr = cdrOf(await d.waitFor((l) => l.component === 'cdr'));
      assert.equal((cdr.endCause as { q850: number }).q850, 41);
      d.kill('SIGTERM');
      assert.equal((await d.exit()).code, 0);
    } finally {
      d.kill();
    }
  });

  it('an inline say through the built-in MRCP server on ephemeral ports; a REST redirect cuts a long one', async () => {
    const file = join(dir, 'say.yaml');
    const rtpBase = 30000 + 2 * Math.floor(Math.random() * 5000);
    const long = 'This sentence is long enough to keep talking for quite a while. '.repeat(8);
    // The built-in server stays on (ports 0 from the test helper's environment).
    writeFileSync(
      file,
      `http:\n  port: 0\nrtp:\n  portMin: ${rtpBase}\n  portMax: ${rtpBase + 99}\n` +
        'calls:\n  routes: [{ calledPrefix: "1", app: hello }, { app: long }]\n  apps:\n' +
        '    hello:\n      application:\n' +
        '        verbs: [{ verb: say, text: "Hello from voicegate." }, { verb: hangup }]\n' +
        `    long:\n      application:\n        verbs: [{ verb: say, text: "${long}" }, { verb: pause, length: 30 }]\n`,
    );
    const d = new DaemonProcess(['--config', file], { VOICEGATE_API_TOKEN: TOKEN });
    try {
      const httpPort = await d.ready();
      const base = `http://127.0.0.1:${httpPort}`;
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const events: { type: string; callId: string; data?: Record<string, unknown> }[] = [];
      const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/v1/events`, { headers });
      ws.on('message', (m: Buffer) => events.push(JSON.parse(m.toString()) as (typeof events)[number]));
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      const port = await sipPort(d);
      const finished = (verb: string) =>
        events.find((e) => e.type === 'verb:status' && e.data?.verb === verb && e.data.status === 'finished');
      // A short say, spoken to its end by espeak-ng through the built-in server.
      const r1 = await runSipp({ scenario: 'uac-expect-bye.xml', port, service: '100' });
      assert.equal(r1.code, 0, r1.errors.slice(0, 2000));
      await d.waitFor((l) => l.component === 'cdr');
      assert.equal(finished('say')?.data?.outcome, 'done', JSON.stringify(events.map((e) => e.data)));
      // A long say, redirected to a hang-up while it speaks.
      events.length = 0;
      const sipp = runSipp({ scenario: 'uac-wait-bye.xml', port, service: '200' });
      let id = '';
      for (let i = 0; i < 100 && !id; i++) {
        const started = events.find(
          (e) => e.type === 'verb:status' && e.data?.verb === 'say' && e.data.status === 'starting',
        );
        id = started?.callId ?? '';
        if (!id) await new Promise((res) => setTimeout(res, 50));
      }
      assert.ok(id, 'the long say started');
      await new Promise((res) => setTimeout(res, 1000));
      const t0 = Date.now();
      const put = await fetch(`${base}/v1/calls/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ action: 'redirect', verbs: [{ verb: 'hangup' }] }),
      });
      assert.equal(put.status, 200, await put.text());
      const r2 = await sipp;
      assert.equal(r2.code, 0, r2.errors.slice(0, 2000));
      assert.ok(Date.now() - t0 < 3000, 'the BYE came at once, not after the prompt');
      assert.equal(finished('say')?.data?.outcome, 'killed');
      ws.close();
      d.kill('SIGTERM');
      assert.equal((await d.exit()).code, 0);
    } finally {
      d.kill();
    }
  });

  it('--check-config names an invalid inline verb list with its index and field', async () => {
    const d = new DaemonProcess([
      '--check-config',
      config(
        'badverbs.yaml',
        'calls:\n  routes: [{ app: x }]\n  apps:\n    x:\n      application:\n        verbs: [{ verb: say }, { verb: fly }]\n',
      ),
    ]);
    const { code } = await d.exit();
    assert.equal(code, 2);
    const text = d.stderr.join('');
    assert.match(text, /calls\.apps\.x\.application/);
    assert.match(text, /\[1\] fly/);
  });
});
