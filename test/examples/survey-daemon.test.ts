/**
 * The survey tutorial as shipped: examples/survey/voicegate.yaml is a valid voicegate config whose
 * survey application is the server `npm run example:survey` starts (same address, same secret),
 * and that command's entry point (dist/examples/survey/start.js) starts the survey server and the
 * voicegate daemon with that config, serves signed webhooks, and stops both on SIGTERM.
 * Ports: the tutorial's fixed ones (SIP 5060, HTTP 8080, webhook 3000) are replaced by free ones
 * (environment overrides, and the webhook port in a copy of the file) so test files run side by side.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { signBody, SIGNATURE_HEADER } from '../../src/call/app/index.js';
import { loadConfig } from '../../src/daemon/config/index.js';
import { toRoutes, toVerbsApps } from '../../src/daemon/config/call-schema.js';
import { surveyDeployment } from '../../examples/survey/start.js';
import { CLI, DaemonProcess } from '../helpers/daemon-process.js';
import { configOn, daemonEnv, freeTcpPort, surveyCallThroughDaemon } from './survey-daemon-call.js';

const CONFIG = fileURLToPath(new URL('../../../examples/survey/voicegate.yaml', import.meta.url));
const START = fileURLToPath(new URL('../../examples/survey/start.js', import.meta.url));
const SURVEY = fileURLToPath(new URL('../../../examples/survey/survey.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vg-survey-daemon-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the survey tutorial: config and one command', () => {
  it('voicegate --check-config accepts the tutorial config; the starter reads the same webhook and secret', () => {
    const r = spawnSync(process.execPath, [CLI, '--check-config', CONFIG], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /is valid/);
    const config = loadConfig({ file: CONFIG, env: {} });
    assert.deepEqual(toRoutes(config.calls), [{ app: 'survey' }]);
    const app = toVerbsApps(config.calls).survey;
    assert.deepEqual(app, {
      source: { webhook: 'http://127.0.0.1:3000/survey' },
      secret: 'tutorial-secret-change-me',
      statusHook: '/survey/status',
      webhookTimeoutMs: 5000,
      ackTimeoutMs: 5000,
      fallback: { prompt: 'error.wav', cause: 41 },
    });
    const d = surveyDeployment(CONFIG);
    assert.equal(d.host, '127.0.0.1');
    assert.equal(d.port, 3000);
    assert.equal(d.webhook.pathname, '/survey', 'the path the survey server answers');
    assert.equal(d.secret, app?.secret);
    assert.equal(config.sip.udpPort, 5060);
    assert.deepEqual(
      config.sip.trunks.map((t) => t.name),
      ['loopback'],
      'calls from this host reach it',
    );
  });

  it('npm run example:survey: the survey server and voicegate start, serve, and stop on SIGTERM', async () => {
    const port = await freeTcpPort();
    const file = configOn(CONFIG, dir, port);
    const p = new DaemonProcess(['--config', file], await daemonEnv(), START);
    let daemonPid = 0;
    try {
      await p.waitFor((l) => l.msg.startsWith('survey application listening: '), 15_000);
      const started = await p.waitFor((l) => l.msg.startsWith('voicegate started (pid '), 15_000);
      daemonPid = Number(/pid (\d+)/.exec(started.msg)![1]);
      await p.ready();
      // voicegate's first request of a call, signed as voicegate signs it: the survey's first verbs.
      const body = JSON.stringify({ call_sid: 'c-1', from: 'sipp', to: '700', direction: 'inbound' });
      const first = await fetch(`http://127.0.0.1:${port}/survey`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signBody('tutorial-secret-change-me', body),
        },
        body,
      });
      assert.equal(first.status, 200);
      const verbs = (await first.json()) as { verb: string; actionHook?: string }[];
      assert.deepEqual(
        verbs.map((v) => v.verb),
        ['say', 'gather'],
      );
      assert.equal(verbs[1]!.actionHook, `http://127.0.0.1:${port}/survey/answer?round=0&attempt=1`);
      const unsigned = await fetch(`http://127.0.0.1:${port}/survey`, { method: 'POST', body });
      assert.equal(unsigned.status, 401, 'the secret of the config is the one the survey checks');
      p.kill('SIGTERM');
      assert.equal((await p.exit()).code, 0);
      await p.waitFor((l) => l.msg === 'stopped' && l.component === 'lifecycle');
      assert.ok(
        p.lines.some((l) => l.msg.startsWith('voicegate exited (0)')),
        'the starter saw voicegate exit 0',
      );
      assert.throws(() => process.kill(daemonPid, 0), /ESRCH/, 'voicegate is gone');
    } finally {
      p.kill();
      if (daemonPid) {
        try {
          process.kill(daemonPid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });

  it('the survey port in use: one clear line, exit 2, voicegate not started', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = spawnSync(process.execPath, [START, '--config', configOn(CONFIG, dir, port)], {
        encoding: 'utf8',
        timeout: 20_000,
        env: { PATH: process.env.PATH ?? '' },
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^survey: listen EADDRINUSE.*\n$/);
      assert.doesNotMatch(r.stdout, /voicegate started/);
    } finally {
      blocker.close();
    }
  });

  it('the tutorial call through the daemon process: DTMF answers, result posted', () =>
    surveyCallThroughDaemon(CONFIG, SURVEY, dir));
});
