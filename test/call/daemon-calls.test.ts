/**
 * The daemon as shipped: the default configuration answers a call from loopback with the demo
 * application (prompt, digits, goodbye, hang-up); SIGTERM drains live calls for the grace period,
 * then hangs them up with BYE; each call leaves one CDR line in the log.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DaemonProcess, type LogLine } from '../helpers/daemon-process.js';
import { runSipp } from './sipp.js';

const dir = mkdtempSync(join(tmpdir(), 'vg-daemon-calls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, extra: string): string {
  const file = join(dir, name);
  const base = 30000 + 2 * Math.floor(Math.random() * 5000);
  writeFileSync(file, `http:\n  port: 0\nrtp:\n  portMin: ${base}\n  portMax: ${base + 99}\n${extra}`);
  return file;
}

async function sipPort(d: DaemonProcess): Promise<number> {
  const l = await d.waitFor((x) => x.msg === 'SIP stack started');
  const key = Object.keys(l.listeners as Record<string, boolean>).find((k) => k.startsWith('sip-udp-'))!;
  return Number(key.slice('sip-udp-'.length));
}

const cdrOf = (l: LogLine): Record<string, unknown> => l.cdr as Record<string, unknown>;

describe('daemon with calls', () => {
  it('the default configuration answers a loopback call with the demo application', async () => {
    const d = new DaemonProcess(['--config', config('demo.yaml', '')]);
    try {
      await d.ready();
      const port = await sipPort(d);
      const r = await runSipp({ scenario: 'uac-demo-digits.xml', port, service: 'anything' });
      assert.equal(r.code, 0, r.errors.slice(0, 2000));
      const line = await d.waitFor((l) => l.component === 'cdr');
      const cdr = cdrOf(line);
      assert.equal(line.msg, 'cdr');
      assert.equal(cdr.app, 'demo');
      assert.equal(cdr.trunk, 'loopback');
      assert.equal(cdr.digits, '1#');
      assert.deepEqual(
        (cdr.steps as { type: string; outcome: string }[]).map((s) => `${s.type}:${s.outcome}`),
        ['answer:done', 'play:barged', 'collectDigits:done', 'play:done', 'hangup:done'],
      );
      assert.equal((cdr.endCause as { by: string }).by, 'voicegate');
      const metrics = await (await fetch(`http://127.0.0.1:${(await d.ready()) as number}/metrics`)).text();
      assert.match(metrics, /voicegate_cdrs_total\{direction="inbound",q850="16"\} 1/);
      assert.match(metrics, /voicegate_dtmf_digits_received_total\{source="rfc4733"\} 2/);
      d.kill('SIGTERM');
      assert.equal((await d.exit()).code, 0);
    } finally {
      d.kill();
    }
  });

  it('SIGTERM: the live call holds the drain for the grace period, then gets a BYE; exit 0', async () => {
    const d = new DaemonProcess([
      '--config',
      config(
        'drain.yaml',
        'shutdown:\n  graceSeconds: 1\ncalls:\n  routes: [{ app: hold }]\n  apps:\n    hold:\n      steps: [{ answer: {} }, { pause: { ms: 60000 } }]\n',
      ),
    ]);
    try {
      await d.ready();
      const port = await sipPort(d);
      const sipp = runSipp({ scenario: 'uac-wait-bye.xml', port, service: '100' });
      await d.waitFor((l) => l.msg === 'incoming call');
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      d.kill('SIGTERM');
      const r = await sipp;
      assert.equal(r.code, 0, `SIPp received the BYE\n${r.errors.slice(0, 2000)}`);
      assert.ok(Date.now() - t0 >= 900, 'the call was kept for the grace period');
      assert.equal((await d.exit()).code, 0);
      assert.ok(d.lines.some((l) => /drain grace expired/.test(l.msg)));
      const cdr = cdrOf(d.lines.find((l) => l.component === 'cdr')!);
      assert.deepEqual((cdr.endCause as { what: string; by: string }).what, 'shutdown');
      assert.equal((cdr.endCause as { by: string }).by, 'voicegate');
    } finally {
      d.kill();
    }
  });
});
