import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sdNotify } from '../../src/media/index.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { NotifyListener } from '../helpers/notify-listener.js';

const dir = mkdtempSync(join(tmpdir(), 'vg-notify-'));
const config = join(dir, 'c.yaml');
writeFileSync(config, 'http:\n  port: 0\n');

describe('sd_notify through the addon', () => {
  for (const kind of ['path', 'abstract'] as const) {
    it(`delivers datagrams to a ${kind} socket`, async () => {
      const name = kind === 'path' ? join(dir, 'direct.sock') : `@voicegate-test-${process.pid}-direct`;
      const l = new NotifyListener(name);
      try {
        await l.listening();
        assert.equal(sdNotify('STATUS=hello\nREADY=1', name), true);
        await l.waitFor((m) => m === 'STATUS=hello\nREADY=1');
      } finally {
        l.close();
      }
    });
  }

  it('is a no-op without a socket and rejects bad arguments', () => {
    assert.equal(sdNotify('READY=1', undefined), false);
    assert.equal(sdNotify('READY=1', ''), false);
    assert.throws(() => sdNotify('', '/tmp/x'), RangeError);
    assert.throws(() => sdNotify('A'.repeat(5000), '/tmp/x'), RangeError);
    assert.throws(() => sdNotify('READY=1', 'relative/path'), /absolute path/);
    assert.throws(() => sdNotify('READY=1', `/${'x'.repeat(200)}`), RangeError);
    assert.throws(() => sdNotify('READY=1', '@'), RangeError);
    assert.throws(() => sdNotify(42 as unknown as string, '/tmp/x'), TypeError);
    assert.throws(() => sdNotify('READY=1', join(dir, 'nobody-listens.sock')), /ENOENT|No such file/);
  });

  for (const kind of ['path', 'abstract'] as const) {
    it(`the daemon sends READY=1, WATCHDOG=1 and STOPPING=1 to a ${kind} NOTIFY_SOCKET`, async () => {
      const name = kind === 'path' ? join(dir, 'daemon.sock') : `@voicegate-test-${process.pid}-daemon`;
      const l = new NotifyListener(name);
      await l.listening();
      const d = new DaemonProcess(['--config', config], { NOTIFY_SOCKET: name, WATCHDOG_USEC: '200000' });
      try {
        await d.ready();
        await l.waitFor((m) => m.split('\n').includes('READY=1'));
        assert.ok(
          l.messages.some((m) => /^STATUS=running/m.test(m)),
          'STATUS= summary with READY=1',
        );
        // Half of 200 ms: at least three pings within a second.
        await new Promise((r) => setTimeout(r, 500));
        const pings = l.messages.filter((m) => m === 'WATCHDOG=1').length;
        assert.ok(pings >= 3, `watchdog pings: ${pings}`);
        d.kill('SIGHUP');
        await l.waitFor((m) => m.startsWith('RELOADING=1'));
        d.kill('SIGTERM');
        await l.waitFor((m) => m.split('\n').includes('STOPPING=1'));
        assert.equal((await d.exit()).code, 0);
        const ready = l.messages.findIndex((m) => m.includes('READY=1'));
        const stopping = l.messages.findIndex((m) => m.includes('STOPPING=1'));
        assert.ok(ready >= 0 && stopping > ready, 'READY before STOPPING');
      } finally {
        d.kill();
        l.close();
      }
    });
  }

  it('does not ping the watchdog when WATCHDOG_PID names another process', async () => {
    const name = join(dir, 'otherpid.sock');
    const l = new NotifyListener(name);
    await l.listening();
    const d = new DaemonProcess(['--config', config], {
      NOTIFY_SOCKET: name,
      WATCHDOG_USEC: '100000',
      WATCHDOG_PID: '1',
    });
    try {
      await d.ready();
      await l.waitFor((m) => m.includes('READY=1'));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(l.messages.filter((m) => m === 'WATCHDOG=1').length, 0);
      d.kill('SIGTERM');
      await d.exit();
    } finally {
      d.kill();
      l.close();
    }
  });
});
