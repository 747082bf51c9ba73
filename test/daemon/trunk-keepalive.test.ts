/**
 * A SIP trunk without its own `keepalive` takes the OPTIONS period of its carrier profile
 * (`optionsIntervalS`); a trunk with its own keeps it; the built-in defaults profile adds none.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { parseConfigText } from '../../src/daemon/config/index.js';
import { keepaliveDefaults } from '../../src/daemon/call-service.js';
import { createLogger } from '../../src/daemon/logger.js';
import { createMetrics } from '../../src/daemon/metrics.js';
import { buildDaemonParts } from '../../src/daemon/services.js';
import { createSipStack } from '../../src/daemon/sip-service.js';
import { loadProfiles } from '../../src/dialing/index.js';

const SHIPPED = fileURLToPath(new URL('../../../profiles/dialing/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vg-keepalive-'));
after(() => rmSync(dir, { recursive: true, force: true }));
cpSync(SHIPPED, dir, { recursive: true });
const rfc = join(dir, 'trunk-carrier-rfc4733.yaml');
writeFileSync(rfc, readFileSync(rfc, 'utf8').replace('optionsIntervalS: 30', 'optionsIntervalS: 1'));
const quiet = createLogger({ level: 'error', format: 'json', stream: new PassThrough() });

describe('carrier profile OPTIONS keepalive', () => {
  it('applies to a trunk that sets none, not to one with its own, not from the defaults', () => {
    const config = parseConfigText(
      [
        'sip:',
        '  trunks:',
        '    - { name: a, peers: ["127.0.0.1:5999"] }',
        '    - { name: b, peers: ["127.0.0.1:5998"], keepalive: { intervalSeconds: 7 } }',
        '    - { name: c, peers: ["127.0.0.1:5997"] }',
        'dialing:',
        `  profilesDir: ${dir}`,
        '  trunkProfiles: { a: carrier-rfc4733, b: carrier-rfc4733 }',
        '',
      ].join('\n'),
      undefined,
      {},
    );
    const k = keepaliveDefaults(config, loadProfiles(dir));
    assert.equal(k.c, undefined, 'no profile file: no keepalive from the defaults');
    const stack = createSipStack(config, quiet, k);
    assert.deepEqual(stack.trunks.get('a')?.config.keepalive, { intervalSeconds: 1, downAfter: 2 });
    assert.equal(stack.trunks.get('b')?.config.keepalive?.intervalSeconds, 7, 'its own keepalive wins');
    assert.equal(stack.trunks.get('c')?.config.keepalive, undefined);
  });

  it('the daemon pings the carrier with OPTIONS at the profile period', async () => {
    const peer = createSocket('udp4');
    const seen: number[] = [];
    peer.on('message', (m) => {
      if (m.toString('latin1').startsWith('OPTIONS ')) seen.push(Date.now());
    });
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
    const config = parseConfigText(
      [
        'sip: { udpPort: 0, tcpPort: 0, trunks: [{ name: carrier, peers: ["127.0.0.1:' +
          String(peer.address().port) +
          '"], transport: udp }] }',
        'mrcpServer: { enabled: false }',
        `dialing: { profilesDir: ${dir}, trunkProfiles: { carrier: carrier-rfc4733 } }`,
        '',
      ].join('\n'),
      undefined,
      {},
    );
    const parts = buildDaemonParts({ config, logger: quiet, metrics: createMetrics('test') });
    try {
      for (const s of parts.services) await s.start();
      const t0 = Date.now();
      while (seen.length < 2 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
      assert.ok(seen.length >= 2, `OPTIONS pings: ${seen.length}`);
    } finally {
      for (const s of [...parts.services].reverse()) await s.stop().catch(() => undefined);
      peer.close();
    }
  });
});
