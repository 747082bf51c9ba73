import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, DaemonProcess } from '../helpers/daemon-process.js';

const dir = mkdtempSync(join(tmpdir(), 'vg-daemon-'));
const okConfig = join(dir, 'ok.yaml');
writeFileSync(okConfig, 'http:\n  port: 0\nshutdown:\n  graceSeconds: 5\n');

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('voicegate daemon process', () => {
  it('serves /healthz, /readyz and /metrics, and exits 0 on SIGTERM', async () => {
    const d = new DaemonProcess(['--config', okConfig]);
    try {
      const port = await d.ready();
      const base = `http://127.0.0.1:${port}`;
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { status: string }).status, 'ok');
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      const metrics = await fetch(`${base}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await metrics.text();
      assert.match(text, /^voicegate_build_info\{version="[^"]+",node="v\d+/m);
      assert.match(text, /^voicegate_ready 1$/m);
      assert.match(text, /^process_cpu_user_seconds_total /m);
      assert.equal((await fetch(`${base}/nope`)).status, 404);
      assert.equal((await fetch(`${base}/healthz`, { method: 'POST' })).status, 405);
      for (const l of d.lines) {
        assert.ok(
          l.time && l.level && l.component && typeof l.msg === 'string',
          `bad log line ${JSON.stringify(l)}`,
        );
      }
      const t0 = Date.now();
      d.kill('SIGTERM');
      const { code } = await d.exit();
      assert.equal(code, 0);
      assert.ok(Date.now() - t0 < 5000, 'exits within the grace');
      assert.ok(d.lines.some((l) => l.msg === 'draining' && l.reason === 'SIGTERM'));
      assert.ok(d.lines.some((l) => l.msg === 'stopped'));
    } finally {
      d.kill();
    }
  });

  it('keeps running on SIGHUP with a broken config and logs file:line; applies a fixed one', async () => {
    const file = join(dir, 'reload.yaml');
    writeFileSync(file, 'http:\n  port: 0\nlog:\n  level: info\n');
    const d = new DaemonProcess(['--config', file]);
    try {
      const port = await d.ready();
      writeFileSync(file, 'http:\n  port: 0\nlog:\n  level: loud\n');
      d.kill('SIGHUP');
      const err = await d.waitFor((l) => l.level === 'error' && /config reload failed/.test(l.msg));
      assert.match(err.msg, new RegExp(`${file.replace(/[.]/g, '\\.')}:4: key "log\\.level"`));
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);

      writeFileSync(file, 'http:\n  port: 0\nlog:\n  level: debug\nshutdown:\n  graceSeconds: 3\n');
      d.kill('SIGHUP');
      const ok = await d.waitFor((l) => l.msg === 'config reloaded');
      assert.deepEqual((ok.changed as string[]).sort(), ['log.level', 'shutdown.graceSeconds']);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      assert.match(metrics, /voicegate_config_reloads_total\{result="invalid"\} 1/);
      assert.match(metrics, /voicegate_config_reloads_total\{result="ok"\} 1/);
      d.kill('SIGTERM');
      assert.equal((await d.exit()).code, 0);
      // The new level took effect: lifecycle debug lines appear after the reload.
      assert.ok(d.lines.some((l) => l.level === 'debug'));
    } finally {
      d.kill();
    }
  });

  it('--check-config exits 2 naming the key and the line, 0 for a valid file', () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'sip:\n  udpPort: 5060\n  tcpPort: "many"\n');
    const bad = runCli(['--check-config', broken]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /broken\.yaml:3: key "sip\.tcpPort"/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    const good = runCli(['--check-config', okConfig]);
    assert.equal(good.status, 0);
    assert.match(good.stdout, /is valid/);
  });

  it('bad arguments and unreadable files give one clear line and a non-zero exit', () => {
    const unreadable = join(dir, 'secret.yaml');
    writeFileSync(unreadable, 'log: {}\n');
    chmodSync(unreadable, 0o000);
    const cases: [string[], RegExp][] = [
      [['--bogus'], /Unknown option '--bogus'/],
      [['--log-level', 'loud'], /--log-level must be one of/],
      [['--config', join(dir, 'missing.yaml')], /missing\.yaml: cannot read config file \(ENOENT\)/],
      [['--check-config', join(dir, 'missing.yaml')], /cannot read config file \(ENOENT\)/],
      [['extra-positional'], /Unexpected argument|positional/i],
    ];
    if (process.getuid?.() !== 0) cases.push([['--config', unreadable], /EACCES/]);
    for (const [args, re] of cases) {
      const r = runCli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(r.stderr.trim().split('\n').length <= 2, `short message for ${args.join(' ')}`);
    }
    assert.match(runCli(['--version']).stdout, /^voicegate \d+\.\d+\.\d+/);
    assert.match(runCli(['--help']).stdout, /--check-config FILE/);
  });

  it('exits 1 with one clear line when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const d = new DaemonProcess(['--config', okConfig], { VOICEGATE_HTTP_PORT: String(port) });
      const { code } = await d.exit();
      assert.equal(code, 1);
      assert.ok(
        d.lines.some((l) => l.level === 'error' && /EADDRINUSE/.test(l.msg)),
        JSON.stringify(d.lines),
      );
    } finally {
      blocker.close();
    }
  });
});
