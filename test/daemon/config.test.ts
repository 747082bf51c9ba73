import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, diffConfig, loadConfig, parseConfigText } from '../../src/daemon/config/index.js';

describe('config', () => {
  it('defaults bind every listener to 127.0.0.1 on the documented ports', () => {
    const c = parseConfigText('', undefined);
    assert.equal(c.http.host, '127.0.0.1');
    assert.equal(c.http.port, 8080);
    assert.equal(c.sip.host, '127.0.0.1');
    assert.equal(c.sip.udpPort, 5060);
    assert.equal(c.sip.tcpPort, 5060);
    assert.equal(c.sip.tlsPort, 5061);
    assert.deepEqual([c.rtp.portMin, c.rtp.portMax], [20000, 29999]);
    assert.deepEqual([c.mrcpServer.enabled, c.mrcpServer.sipPort, c.mrcpServer.mrcpPort], [true, 8060, 1544]);
    assert.equal(c.shutdown.graceSeconds, 30);
  });

  it('reads YAML values and keeps defaults for the rest', () => {
    const c = parseConfigText('http:\n  port: 9090\nlog:\n  level: debug\n', 'x.yaml');
    assert.equal(c.http.port, 9090);
    assert.equal(c.http.host, '127.0.0.1');
    assert.equal(c.log.level, 'debug');
  });

  it('names the file, the line and the key of a wrong value', () => {
    const text = 'log:\n  level: info\nsip:\n  host: 127.0.0.1\n  udpPort: seventy\n';
    assert.throws(
      () => parseConfigText(text, 'broken.yaml'),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.code, 'config_invalid');
        assert.equal(err.problems[0]?.key, 'sip.udpPort');
        assert.equal(err.problems[0]?.line, 5);
        assert.match(err.message, /^broken\.yaml:5: key "sip\.udpPort": /);
        return true;
      },
    );
  });

  it('names an unknown key with its line and a suggestion', () => {
    assert.throws(
      () => parseConfigText('http:\n  prot: 80\n', 'c.yaml'),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /c\.yaml:2: key "http\.prot": unknown key \(did you mean "port"\?\)/);
        return true;
      },
    );
  });

  it('reports YAML syntax errors with a line', () => {
    assert.throws(
      () => parseConfigText('http:\n  port: [1, 2\nlog: {}\n', 'bad.yaml'),
      (err: unknown) =>
        err instanceof ConfigError && err.code === 'config_syntax' && /bad\.yaml:\d+: YAML/.test(err.message),
    );
  });

  it('rejects a document that is not a mapping', () => {
    assert.throws(() => parseConfigText('- a\n- b\n', 'list.yaml'), /must be a YAML mapping/);
  });

  it('rejects duplicate keys', () => {
    assert.throws(() => parseConfigText('http:\n  port: 1\n  port: 2\n', 'dup.yaml'), ConfigError);
  });

  it('checks cross-field rules (portMin below portMax)', () => {
    assert.throws(
      () => parseConfigText('rtp:\n  portMin: 30000\n  portMax: 20000\n', 'r.yaml'),
      /r\.yaml:2: key "rtp\.portMin"/,
    );
  });

  it('applies VOICEGATE_* overrides over the file and names the variable when one is wrong', () => {
    const c = parseConfigText('http:\n  port: 9090\n', 'x.yaml', {
      VOICEGATE_HTTP_PORT: '9191',
      VOICEGATE_LOG_LEVEL: 'warn',
      VOICEGATE_MRCP_SERVER_ENABLED: 'false',
    });
    assert.equal(c.http.port, 9191);
    assert.equal(c.log.level, 'warn');
    assert.equal(c.mrcpServer.enabled, false);
    assert.throws(
      () => parseConfigText('', undefined, { VOICEGATE_SIP_UDP_PORT: 'abc' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.code === 'env_invalid' &&
        /environment VOICEGATE_SIP_UDP_PORT: key "sip\.udpPort"/.test(err.message),
    );
  });

  it('gives an unreadable-file error naming the file', () => {
    assert.throws(
      () => loadConfig({ file: '/nonexistent/voicegate.yaml', env: {} }),
      (err: unknown) =>
        err instanceof ConfigError && err.code === 'config_unreadable' && /ENOENT/.test(err.message),
    );
  });

  it('loads a file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-config-'));
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'shutdown:\n  graceSeconds: 5\n');
    assert.equal(loadConfig({ file, env: {} }).shutdown.graceSeconds, 5);
  });

  it('lists the keys that differ between two configs', () => {
    const a = parseConfigText('', undefined);
    const b = parseConfigText('log:\n  level: debug\nhttp:\n  port: 1234\n', undefined);
    assert.deepEqual(diffConfig(a, b).sort(), ['http.port', 'log.level']);
  });
});
