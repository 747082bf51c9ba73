/**
 * Runs SIPp (Debian package sip-tester) against a test voicegate: loopback only, free ports, one
 * bounded call, a global timeout, errors traced; the working directory can hold pcaps a scenario
 * plays by relative name.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCENARIOS = fileURLToPath(new URL('../../../sipp-scenarios/', import.meta.url));

export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface SippRun {
  code: number | null;
  errors: string;
  stderr: string;
  mediaPort: number;
}

export interface SippOptions {
  scenario: string;
  /** voicegate's SIP port on 127.0.0.1. */
  port: number;
  /** Called number (Request-URI user): picks the application by route. */
  service: string;
  timeoutSeconds?: number;
  cwd?: string;
  mediaPort?: number;
  calls?: number;
  /** Length of the scenario's `<pause/>` without its own `milliseconds` (SIPp's `-d`, ms). */
  pauseMs?: number;
}

export async function runSipp(o: SippOptions): Promise<SippRun> {
  const dir = mkdtempSync(join(tmpdir(), 'vg-sipp-call-'));
  const mediaPort = o.mediaPort ?? (await freeUdpPort());
  const args = [
    `127.0.0.1:${o.port}`,
    '-sf',
    join(SCENARIOS, o.scenario),
    '-s',
    o.service,
    '-i',
    '127.0.0.1',
    '-p',
    String(await freeUdpPort()),
    '-mp',
    String(mediaPort),
    '-m',
    String(o.calls ?? 1),
    ...(o.pauseMs !== undefined ? ['-d', String(o.pauseMs)] : []),
    '-timeout',
    `${o.timeoutSeconds ?? 30}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_err',
    '-error_file',
    join(dir, 'errors.log'),
  ];
  const child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: o.cwd ?? dir });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 20_000) stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const errFile = join(dir, 'errors.log');
  const errors = existsSync(errFile) ? readFileSync(errFile, 'utf8').slice(0, 20_000) : '';
  return { code, errors, stderr, mediaPort };
}
