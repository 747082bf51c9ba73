import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { parseConfigText } from '../../src/daemon/config/index.js';
import { Daemon } from '../../src/daemon/lifecycle.js';
import { createLogger } from '../../src/daemon/logger.js';
import { createMetrics } from '../../src/daemon/metrics.js';
import type { Service } from '../../src/daemon/service.js';
import { SystemdNotifier } from '../../src/daemon/systemd.js';

function setup(graceSeconds: number, services: Service[]) {
  const config = parseConfigText(`http:\n  port: 0\nshutdown:\n  graceSeconds: ${graceSeconds}\n`, undefined);
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', stream });
  const sent: string[] = [];
  const notifier = new SystemdNotifier((s) => (sent.push(s), true), { NOTIFY_SOCKET: '/fake' }, logger);
  const daemon = new Daemon({
    config,
    configFile: undefined,
    env: {},
    logger,
    metrics: createMetrics('test'),
    notifier,
    version: 'test',
    services,
  });
  return { daemon, lines, sent };
}

function slowService(drainMs: number): Service & { stopped: boolean } {
  let up = false;
  let timer: NodeJS.Timeout | undefined;
  return {
    name: 'slow',
    stopped: false,
    start: async () => void (up = true),
    drain: () => new Promise((r) => (timer = setTimeout(r, drainMs))),
    async stop() {
      clearTimeout(timer);
      up = false;
      this.stopped = true;
    },
    listeners: () => ({ slow: up }),
    summary: () => 'calls=1',
  };
}

describe('daemon lifecycle', () => {
  it('answers /readyz 503 while draining and waits for in-flight work', async () => {
    const svc = slowService(300);
    const { daemon, sent } = setup(5, [svc]);
    await daemon.start();
    const port = daemon.http.address().port;
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    assert.ok(sent.some((s) => s.startsWith('READY=1') && s.includes('STATUS=running; calls=1')));
    const done = daemon.shutdown('test');
    assert.equal(daemon.currentState, 'draining');
    const r = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(r.status, 503);
    assert.equal(((await r.json()) as { status: string }).status, 'draining');
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    assert.equal(daemon.shutdown('again'), done, 'a second shutdown joins the first');
    await done;
    assert.equal(svc.stopped, true);
    assert.equal(daemon.currentState, 'stopped');
    assert.ok(sent.some((s) => s.startsWith('STOPPING=1')));
  });

  it('cuts the drain at the grace period', async () => {
    const svc = slowService(60_000);
    const { daemon, lines } = setup(0.2, [svc]);
    await daemon.start();
    const t0 = Date.now();
    await daemon.shutdown('test');
    const took = Date.now() - t0;
    assert.ok(took >= 150 && took < 5000, `took ${took} ms`);
    assert.equal(svc.stopped, true);
    assert.ok(lines.some((l) => l.msg === 'drain grace expired; cutting in-flight work'));
  });

  it('is not ready while a listener is down', async () => {
    const svc = slowService(0);
    const { daemon } = setup(1, [svc]);
    await daemon.start();
    assert.equal(daemon.isReady(), true);
    await svc.stop();
    assert.equal(daemon.isReady(), false);
    await daemon.shutdown('test');
  });

  it('releases what started when a later service fails to start', async () => {
    const first = slowService(0);
    const failing: Service = {
      name: 'failing',
      start: () => Promise.reject(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })),
      drain: async () => undefined,
      stop: async () => undefined,
      listeners: () => ({ failing: false }),
    };
    const { daemon } = setup(1, [first, failing]);
    await assert.rejects(daemon.start(), /EADDRINUSE/);
    assert.equal(first.stopped, true);
    assert.equal(daemon.http.isListening, false);
    assert.equal(daemon.currentState, 'stopped');
  });

  it('rejects illegal transitions and ignores a reload while not running', async () => {
    const { daemon } = setup(1, []);
    assert.equal(daemon.reload(), false);
    await daemon.start();
    await daemon.shutdown('x');
    assert.equal(daemon.reload(), false);
    await assert.rejects(daemon.start(), /illegal transition stopped -> starting/);
  });

  it('writes JSON lines with time, level, component and msg first', async () => {
    const { daemon, lines } = setup(1, []);
    await daemon.start();
    await daemon.shutdown('x');
    const l = lines.find((x) => x.msg === 'voicegate ready')!;
    assert.deepEqual(Object.keys(l).slice(0, 4), ['time', 'level', 'component', 'msg']);
    assert.match(String(l.time), /^\d{4}-\d\d-\d\dT/);
  });
});
