/**
 * Carrier behaviours (sipp-scenarios/uas-privacy-*.xml, SIPp as the platform) dialled by
 * CallManager.dial with the shipped profiles; each asserts the outcome from the CDR.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProfiles } from '../../src/dialing/index.js';
import { until } from './harness.js';
import { DialGate, killPlatform, SHIPPED_PROFILES, startPlatform, type UasProcess } from './dial-harness.js';
import { writePrivacyAudio } from './privacy-audio.js';

const audio = mkdtempSync(join(tmpdir(), 'vg-privacy-audio-'));
const profiles = loadProfiles(SHIPPED_PROFILES);
const gates: DialGate[] = [];
const platforms: UasProcess[] = [];
const debug = process.env.VG_DEBUG
  ? {
      debug: (m: string, x?: object) => console.log('D', m, JSON.stringify(x)),
      info: (m: string, x?: object) => console.log('I', m, JSON.stringify(x)),
      warn: (m: string, x?: object) => console.log('W', m, JSON.stringify(x)),
      error: (m: string, x?: object) => console.log('E', m, JSON.stringify(x)),
    }
  : undefined;

before(() => writePrivacyAudio(audio));
after(async () => {
  for (const p of platforms) killPlatform(p);
  await Promise.all(gates.map((g) => g.stop()));
  rmSync(audio, { recursive: true, force: true });
});

async function scenario(file: string, trunkProfile: string) {
  const sipp = await startPlatform({ scenario: file, cwd: audio });
  platforms.push(sipp);
  const g = await new DialGate({ peerPort: sipp.port, profiles, trunkProfile, ...(debug ? { logger: debug } : {}) }).start();
  gates.push(g);
  return { sipp, g };
}

describe('privacy-number carrier scenarios (SIPp as the platform)', () => {
  it('answered, prompt, RFC 4733 digits, ringback then "喂，你好": reached_extension', async () => {
    const { sipp, g } = await scenario('uas-privacy-answered-rfc4733.xml', 'carrier-rfc4733');
    const r = g.manager.dial({ to: '17001234567-1234', trunk: 'carrier' });
    assert.ok(r.ok, JSON.stringify(r));
    const run = await sipp.done;
    assert.equal(run.code, 0, run.errors + run.stderr);
    await until(() => g.cdrOf(r.dial.id) !== undefined, 'the CDR', 5000);
    const cdr = g.cdrOf(r.dial.id)!;
    console.log(JSON.stringify(cdr, null, 1));
    assert.equal(cdr.dialing?.outcome, 'reached_extension');
  });
});
