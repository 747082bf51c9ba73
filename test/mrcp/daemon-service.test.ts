/**
 * The daemon's MRCP service: config → server + client, engines per resource and language from
 * the test set and from a module path, the client's default pool (the built-in server), and the
 * counters published as Prometheus metrics.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import client from 'prom-client';
import { parseConfigText, type Config } from '../../src/daemon/config/index.js';
import { createLogger } from '../../src/daemon/logger.js';
import { createMrcp, registerMrcpMetrics } from '../../src/daemon/mrcp-service.js';
import { createMediaShared } from '../../src/daemon/media-shared.js';

const dir = mkdtempSync(join(tmpdir(), 'mrcp-svc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const a = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof a === 'object' && a ? a.port : 0;
}

const quiet = createLogger({
  level: 'error',
  format: 'json',
  stream: new Writable({ write: (_c, _e, cb) => cb() }),
});

async function config(extra: Record<string, unknown>): Promise<Config> {
  const c = parseConfigText('http:\n  port: 0\n', undefined);
  c.mrcpServer.sipPort = await freePort();
  c.mrcpServer.mrcpPort = await freePort();
  c.rtp.portMin = 56000;
  c.rtp.portMax = 56999;
  Object.assign(c.mrcpServer, extra);
  return c;
}

test('config defaults: every extra key has one', () => {
  const x = parseConfigText('', undefined).mrcpServer;
  assert.deepEqual(x.engines, [{ module: 'builtin', options: {} }]);
  assert.deepEqual(x.clients, ['127.0.0.0/8', '::1/128']);
  assert.equal(x.maxSessions, 1000);
  const c = parseConfigText('', undefined).mrcpClient;
  assert.equal(c.enabled, true);
  assert.equal(c.timeouts.inviteMs, 5000);
  assert.deepEqual(c.pools, []);
  assert.throws(
    () => parseConfigText('mrcpServer:\n  clients: [not-an-ip]\n', 'c.yaml'),
    /c\.yaml:2: key "mrcpServer\.clients\.0"/,
  );
  assert.throws(
    () => parseConfigText('mrcpClient:\n  pools:\n    - name: a\n      servers: []\n', 'c.yaml'),
    /key "mrcpClient\.pools\.0\.servers"/,
  );
});

test('the service runs the built-in server, the client reaches it, metrics show both sides', async () => {
  const c = await config({});
  const mrcp = createMrcp(c, quiet, createMediaShared(c, quiet));
  const registry = new client.Registry();
  registerMrcpMetrics(registry, mrcp);
  await mrcp.service.start();
  try {
    assert.ok(mrcp.client && mrcp.server);
    assert.ok(Object.values(mrcp.service.listeners()).every(Boolean));
    const s = await mrcp.client.openSession({ resources: ['speechsynth'], pool: 'builtin', callId: 'svc' });
    assert.equal((await s.speak('metrics').done).cause, 'normal');
    assert.match(mrcp.service.summary?.() ?? '', /mrcp sessions=1 channels=1 connections=1/);
    const text = await registry.metrics();
    assert.match(text, /voicegate_mrcp_sessions_active\{side="server"\} 1/);
    assert.match(text, /voicegate_mrcp_sessions_active\{side="client"\} 1/);
    assert.match(
      text,
      /voicegate_mrcp_requests_total\{side="server",resource="speechsynth",method="SPEAK"\} 1/,
    );
    assert.match(
      text,
      /voicegate_mrcp_responses_total\{side="client",resource="speechsynth",method="SPEAK",status="200"\} 1/,
    );
    assert.match(
      text,
      /voicegate_mrcp_completion_causes_total\{side="server",resource="speechsynth",cause="000 normal"\} 1/,
    );
    assert.match(text, /# TYPE voicegate_mrcp_first_audio_seconds histogram/);
    assert.match(text, /voicegate_mrcp_first_audio_seconds_count\{side="server"\} 1/);
    assert.match(text, /voicegate_mrcp_first_audio_seconds_bucket\{side="client",le="\+Inf"\} 1/);
    s.close();
  } finally {
    await mrcp.service.stop();
  }
});

test('engines per resource and language: a plugin module and the test set', async () => {
  const plugin = join(dir, 'plugin.mjs');
  writeFileSync(
    plugin,
    `export function createEngines(o) {
       return [
         { kind: 'synthesizer', name: 'plug-' + o.voice, languages: ['de-DE'], contentTypes: ['text/plain'],
           speak(job, out) { out.end(); return { cancel() {} }; } },
         { kind: 'recorder', name: 'plug-rec', languages: ['*'], record() { throw new Error('no'); } },
       ];
     }\n`,
  );
  const c = await config({
    engines: [
      { module: plugin, options: { voice: 'anna' }, resources: ['speechsynth'], languages: ['fr-FR'] },
      { module: 'test', options: { recordDir: dir } },
    ],
  });
  c.mrcpServer.enabled = true;
  const mrcp = createMrcp(c, quiet, createMediaShared(c, quiet));
  await mrcp.service.start();
  try {
    assert.equal(mrcp.engines.synthesizer('fr-FR')?.name, 'plug-anna');
    assert.deepEqual(mrcp.engines.synthesizer('fr-FR')?.languages, ['fr-FR']);
    assert.equal(mrcp.engines.synthesizer('de-DE')?.name, 'tone', 'languages replaced by the config');
    assert.equal(
      mrcp.engines.recorder('en-US')?.name,
      'wav-recorder',
      'the plugin recorder was filtered out',
    );
    const s = await mrcp.client!.openSession({ resources: ['speechsynth'] });
    const r = await s.speak('bonjour', { headers: { 'Speech-Language': 'fr-FR' } }).done;
    assert.equal(r.cause, 'normal', 'the plugin spoke (nothing) and completed');
    s.close();
  } finally {
    await mrcp.service.stop();
  }
});

test('`builtin` registers the built-in engines with their options', async () => {
  const c = await config({
    engines: [{ module: 'builtin', options: { synthesizer: false, pocketsphinx: false } }],
  });
  const mrcp = createMrcp(c, quiet, createMediaShared(c, quiet));
  await mrcp.service.start();
  try {
    assert.equal(mrcp.engines.synthesizer('en-US'), undefined);
    assert.ok(mrcp.engines.recognizer('en-US'), 'the routing recognizer (DTMF route) is registered');
    const s = await mrcp.client!.openSession({ resources: ['speechrecog'] });
    const rec = s.recognize({ uris: ['builtin:dtmf/digits?length=2'] });
    s.sendDigits('42');
    assert.equal((await rec.done).result?.interpretations[0]?.instance, '42');
    s.close();
  } finally {
    await mrcp.service.stop();
  }
});

test('a broken engine module fails the start with its name', async () => {
  const c = await config({ engines: [{ module: join(dir, 'missing.mjs'), options: {} }] });
  const mrcp = createMrcp(c, quiet, createMediaShared(c, quiet));
  await assert.rejects(mrcp.service.start(), /missing\.mjs/);
  await mrcp.service.stop();
});
