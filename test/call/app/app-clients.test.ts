import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  callWebhook,
  signBody,
  SIGNATURE_HEADER,
  verifySignature,
  WsAppSession,
  type AppCommand,
} from '../../../src/call/app/index.js';

describe('webhook signatures', () => {
  it('verify what they sign, and nothing else', () => {
    const h = signBody('s3cret', '{"a":1}', 1000);
    assert.ok(verifySignature('s3cret', '{"a":1}', h, 300, 1100));
    assert.ok(!verifySignature('s3cret', '{"a":2}', h, 300, 1100));
    assert.ok(!verifySignature('other', '{"a":1}', h, 300, 1100));
    assert.ok(!verifySignature('s3cret', '{"a":1}', h, 300, 2000), 'too old');
    assert.ok(!verifySignature('s3cret', '{"a":1}', 'garbage', 300, 1000));
    assert.ok(!verifySignature('s3cret', '{"a":1}', undefined));
  });
});

describe('webhook client', () => {
  let server: Server;
  let base = '';
  const seen: { headers: Record<string, unknown>; body: string }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        const path = new URL(req.url!, 'http://x').pathname;
        if (path === '/ok') return res.end(JSON.stringify([{ verb: 'say', text: 'hi' }]));
        if (path === '/empty') return res.end('');
        if (path === '/500') return ((res.statusCode = 500), res.end('boom'));
        if (path === '/garbage') return res.end('<html>');
        if (path === '/object') return res.end('{"verb":"say"}');
        if (path === '/huge') return res.end(`[${'"x",'.repeat(50_000)}"x"]`);
        if (path === '/slow') return setTimeout(() => res.end('[]'), 2000).unref();
        res.end('[]');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const opts = { timeoutMs: 300, maxReplyBytes: 64 * 1024, secret: 'app-secret' };

  it('posts the call data signed and returns the verbs', async () => {
    const r = await callWebhook(`${base}/ok`, 'POST', { call_sid: 'c1', from: '100' }, opts);
    assert.ok(r.ok);
    assert.deepEqual(r.verbs, [{ verb: 'say', text: 'hi' }]);
    const last = seen.at(-1)!;
    assert.deepEqual(JSON.parse(last.body), { call_sid: 'c1', from: '100' });
    assert.ok(verifySignature('app-secret', last.body, last.headers[SIGNATURE_HEADER] as string));
    const empty = await callWebhook(`${base}/empty`, 'POST', {}, opts);
    assert.ok(empty.ok && empty.verbs.length === 0);
  });

  it('gives coded failures for down, slow, failing and garbage applications', async () => {
    const code = async (url: string) => {
      const r = await callWebhook(url, 'POST', {}, opts);
      return r.ok ? 'ok' : r.code;
    };
    assert.equal(await code(`${base}/500`), 'http_status');
    assert.equal(await code(`${base}/garbage`), 'bad_json');
    assert.equal(await code(`${base}/object`), 'not_verbs');
    assert.equal(await code(`${base}/huge`), 'too_large');
    const t0 = Date.now();
    assert.equal(await code(`${base}/slow`), 'timeout');
    assert.ok(Date.now() - t0 < 1500);
    assert.equal(await code('http://127.0.0.1:1/nothing'), 'network');
  });
});

describe('WebSocket application session', () => {
  let wss: WebSocketServer;
  let url = '';
  let behaviour: (ws: WebSocket, msg: Record<string, unknown>) => void = () => undefined;
  const sockets: WebSocket[] = [];
  before(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.on('listening', r));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    wss.on('connection', (ws, req) => {
      assert.equal(req.headers['sec-websocket-protocol'], 'ws.jambonz.org');
      sockets.push(ws);
      ws.on('message', (d) => behaviour(ws, JSON.parse(String(d)) as Record<string, unknown>));
    });
  });
  after(() => {
    for (const s of sockets) s.terminate();
    wss.close();
  });

  const base = (commands: AppCommand[], closes: string[]) => ({
    callSid: 'call-1',
    ackTimeoutMs: 300,
    connectTimeoutMs: 1000,
    maxMessageBytes: 64 * 1024,
    maxBufferedBytes: 1 << 20,
    onCommand: (c: AppCommand) => commands.push(c),
    onClose: (r: string) => closes.push(r),
  });

  it('opens with session:new, gets verbs in the ack, hooks and takes commands', async () => {
    behaviour = (ws, msg) => {
      if (msg.type === 'session:new') {
        assert.equal(msg.call_sid, 'call-1');
        ws.send(JSON.stringify({ type: 'ack', msgid: msg.msgid, data: [{ verb: 'say', text: 'welcome' }] }));
      } else if (msg.type === 'verb:hook') {
        ws.send(JSON.stringify({ type: 'ack', msgid: msg.msgid, data: [{ verb: 'hangup' }] }));
        ws.send(
          JSON.stringify({ type: 'command', command: 'redirect', data: [{ verb: 'pause', length: 1 }] }),
        );
        ws.send(JSON.stringify({ type: 'command', command: 'dtmf', data: { digits: '12#' } }));
        ws.send(JSON.stringify({ type: 'command', command: 'explode' }));
      }
    };
    const commands: AppCommand[] = [];
    const closes: string[] = [];
    const invalid: string[] = [];
    const r = await WsAppSession.open(
      url,
      { from: '100' },
      { ...base(commands, closes), onInvalid: (x) => invalid.push(x) },
    );
    assert.ok(r.ok);
    assert.deepEqual(r.value.verbs, [{ verb: 'say', text: 'welcome' }]);
    const h = await r.value.session.hook('/gather', { digits: '1' });
    assert.ok(h.ok);
    assert.deepEqual(h.value, [{ verb: 'hangup' }]);
    await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(commands, [
      { command: 'redirect', verbs: [{ verb: 'pause', length: 1 }] },
      { command: 'dtmf', digits: '12#' },
    ]);
    assert.equal(invalid.length, 1);
    r.value.session.close();
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(closes, [], 'our own close is not reported as the application leaving');
  });

  it('fails when no ack comes within the timeout, and reports an application that disconnects', async () => {
    behaviour = () => undefined;
    const t0 = Date.now();
    const r = await WsAppSession.open(url, {}, base([], []));
    assert.ok(!r.ok && r.code === 'timeout');
    assert.ok(Date.now() - t0 >= 280);

    behaviour = (ws, msg) => {
      if (msg.type === 'session:new') ws.send(JSON.stringify({ type: 'ack', msgid: msg.msgid }));
      else if (msg.type === 'verb:hook') ws.close();
    };
    const closes: string[] = [];
    const r2 = await WsAppSession.open(url, {}, base([], closes));
    assert.ok(r2.ok);
    const h = await r2.value.session.hook('/x', {});
    assert.ok(!h.ok && h.code === 'closed');
    assert.equal(closes.length, 1);
  });

  it('cannot connect to nobody', async () => {
    const r = await WsAppSession.open('ws://127.0.0.1:1/', {}, base([], []));
    assert.ok(!r.ok && r.code === 'connect');
  });
});
