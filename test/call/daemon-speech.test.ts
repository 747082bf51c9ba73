/**
 * The daemon as shipped, with speech: no MRCP configuration at all, an application with a `gather`
 * (spoken prompt, DTMF) and a `say` in its config. The call service reaches the built-in MRCP
 * server (espeak-ng, PocketSphinx, DTMF engines) through the daemon's MRCP client; SIPp keys 2, 4,
 * # during the prompt and hears "You entered 24." before the BYE.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { runSippSpeech } from './speech-sipp.js';

const dir = mkdtempSync(join(tmpdir(), 'vg-daemon-speech-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A free TCP port (the MRCP listener); the SIP one is taken free on UDP and TCP alike by chance. */
async function freeTcpPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const APP = `calls:
  routes: [{ app: speech }]
  apps:
    speech:
      steps:
        - answer: {}
        - gather:
            input: [digits]
            finishOnKey: '#'
            timeout: 5
            say: { text: 'Please enter your account number, then press the pound key.' }
        - say: { text: 'You entered {digits}.' }
        - hangup: {}
`;

describe('daemon with speech on its defaults', () => {
  it('a gather with a spoken prompt and a say run through the built-in MRCP server', async () => {
    const base = 36000 + 2 * Math.floor(Math.random() * 3000);
    const file = join(dir, 'speech.yaml');
    writeFileSync(file, `http:\n  port: 0\nrtp:\n  portMin: ${base}\n  portMax: ${base + 199}\n${APP}`);
    // Real ports for the MRCP server: the default pool of the client is its configured address.
    const d = new DaemonProcess(['--config', file], {
      VOICEGATE_MRCP_SIP_PORT: String(await freeTcpPort()),
      VOICEGATE_MRCP_PORT: String(await freeTcpPort()),
    });
    try {
      await d.ready();
      const engines = await d.waitFor((l) => l.msg === 'MRCP engines');
      assert.ok(
        (engines.engines as string[]).some((e) => e.startsWith('synthesizer/espeak')),
        JSON.stringify(engines.engines),
      );
      const l = await d.waitFor((x) => x.msg === 'SIP stack started' && x.component !== 'mrcp-server');
      const key = Object.keys(l.listeners as Record<string, boolean>).find((k) => k.startsWith('sip-udp-'))!;
      const r = await runSippSpeech({
        scenario: 'uac-speech-dtmf-pcaps.xml',
        port: Number(key.slice('sip-udp-'.length)),
        pauseMs: 1500,
      });
      assert.equal(r.code, 0, r.errors.slice(0, 2000));
      const cdr = (await d.waitFor((x) => x.component === 'cdr')).cdr as Record<string, unknown>;
      assert.deepEqual(
        (cdr.steps as { type: string; outcome: string }[]).map((s) => `${s.type}:${s.outcome}`),
        ['answer:done', 'gather:done', 'say:done', 'hangup:done'],
      );
      assert.equal(cdr.digits, '24#');
      d.kill('SIGTERM');
      assert.equal((await d.exit()).code, 0);
    } finally {
      d.kill();
    }
  });
});
