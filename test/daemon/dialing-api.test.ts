/**
 * The daemon's wiring of outbound dialing and the call API: the new config keys (api.tokens from
 * VOICEGATE_API_TOKEN, dialing.profilesDir defaulting to the package's profiles), the services
 * built from an empty config loading the shipped profiles, and the API mounted on an HTTP server
 * answering from the real CallManager (refusals come from the dialer, so dialing is on).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { HttpServer } from '../../src/api/index.js';
import { ConfigError, loadConfig, parseConfigText } from '../../src/daemon/config/index.js';
import { createLogger } from '../../src/daemon/logger.js';
import { createMetrics } from '../../src/daemon/metrics.js';
import { buildDaemonParts } from '../../src/daemon/services.js';

const TOKEN = 'daemon-api-token-0123456789';
const quiet = createLogger({ level: 'error', format: 'json', stream: new PassThrough() });
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Ports 0 everywhere: several daemons' tests run at once. */
const BASE = 'sip: { udpPort: 0, tcpPort: 0 }\nmrcpServer: { enabled: false }\n';

async function withApi(yaml: string, fn: (base: string) => Promise<void>): Promise<void> {
  const config = parseConfigText(BASE + yaml, undefined, {});
  const parts = buildDaemonParts({ config, logger: quiet, metrics: createMetrics('test') });
  const http = new HttpServer({ host: '127.0.0.1', port: 0, maxConnections: 10, logger: quiet });
  const api = parts.mountApi(http, 'test');
  await http.start();
  try {
    await fn(`http://127.0.0.1:${http.address().port}`);
  } finally {
    api.close();
    await http.stop();
    for (const s of [...parts.services].reverse()) await s.stop().catch(() => undefined);
  }
}

describe('daemon: dialing profiles and the call API', () => {
  it('config: api and dialing default to no tokens and the package profiles; the env gives a token', () => {
    const c = parseConfigText('', undefined, {});
    assert.deepEqual(c.api.tokens, []);
    assert.equal(c.dialing.profilesDir, undefined);
    assert.equal(c.dialing.maxQueueWaitSeconds, 60);
    const e = loadConfig({ env: { VOICEGATE_API_TOKEN: `${TOKEN}, second-token-0123456789` } });
    assert.deepEqual(e.api.tokens, [TOKEN, 'second-token-0123456789']);
    assert.throws(() => loadConfig({ env: { VOICEGATE_API_TOKEN: 'short' } }), ConfigError);
  });

  it('an empty config: the shipped profiles load and POST /v1/calls reaches the dialer', async () => {
    await withApi(`api: { tokens: [${TOKEN}] }\n`, async (base) => {
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const post = (body: unknown) =>
        fetch(`${base}/v1/calls`, { method: 'POST', headers, body: JSON.stringify(body) });
      let r = await post({ to: '170****4567-1234', trunk: 'loopback' });
      assert.equal(r.status, 400);
      const body = (await r.json()) as { error: string; reason: string };
      assert.deepEqual([body.error, body.reason], ['invalid_number', 'masked_number']);
      r = await post({ to: '17001234567-1234', trunk: 'nowhere' });
      assert.equal(r.status, 400);
      assert.equal(((await r.json()) as { error: string }).error, 'unknown_trunk');
      r = await fetch(`${base}/v1/calls`, { headers });
      assert.deepEqual(await r.json(), { calls: [] });
      assert.equal((await fetch(`${base}/v1/calls`, { method: 'POST', body: '{}' })).status, 401);
    });
  });

  it('no token configured: the API answers 503 api_disabled', async () => {
    await withApi('', async (base) => {
      const r = await fetch(`${base}/v1/calls`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(r.status, 503);
      assert.equal(((await r.json()) as { error: string }).error, 'api_disabled');
    });
  });

  it('a profiles folder that does not load: dialing is off (503 unavailable), the daemon still builds', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'vg-bad-dialing-'));
    dirs.push(bad);
    writeFileSync(join(bad, 'trunk.yaml'), 'kind: trunk\nname: [broken\n');
    await withApi(`api: { tokens: [${TOKEN}] }\ndialing: { profilesDir: ${bad} }\n`, async (base) => {
      const r = await fetch(`${base}/v1/calls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to: '17001234567-1234', trunk: 'loopback' }),
      });
      assert.equal(r.status, 503);
      assert.equal(((await r.json()) as { error: string }).error, 'unavailable');
    });
  });
});
