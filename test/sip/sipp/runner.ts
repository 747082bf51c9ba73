/**
 * Runs SIPp (Debian package sip-tester) from tests: loopback only, test-chosen free ports,
 * bounded call count (-m) and global timeout, statistics and errors traced into a temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCENARIOS = fileURLToPath(new URL('../../../../sipp-scenarios/', import.meta.url));

/** A UDP port that was free a moment ago (bind to 0, read, close). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface SippOptions {
  /** A file in sipp-scenarios/, or a built-in scenario name with `builtin: true`. */
  scenario: string;
  builtin?: boolean;
  /** host:port to call (UAC scenarios). */
  remote?: string;
  /** Local SIP port (default: a free one). */
  port?: number;
  calls: number;
  rate?: number;
  /** Most simultaneous calls. */
  limit?: number;
  timeoutSeconds: number;
  lost?: number;
  /** Pause of <pause/> in ms (-d). */
  durationMs?: number;
  extra?: string[];
}

export interface SippResult {
  code: number | null;
  port: number;
  /** Last line of the statistics file, by column. */
  stats: Record<string, string>;
  errors: string;
  dir: string;
  stderr: string;
}

export interface SippProcess {
  port: number;
  child: ChildProcess;
  done: Promise<SippResult>;
}

export function stat(r: SippResult, name: string): number {
  return Number(r.stats[`${name}(C)`] ?? NaN);
}

/** Starts SIPp; `done` resolves when it exits. */
export async function startSipp(o: SippOptions): Promise<SippProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vg-sipp-'));
  const port = o.port ?? (await freeUdpPort());
  const args = [
    ...(o.remote ? [o.remote] : []),
    ...(o.builtin ? ['-sn', o.scenario] : ['-sf', join(SCENARIOS, o.scenario)]),
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '-mp',
    String(await freeUdpPort()),
    '-cp',
    String(await freeUdpPort()),
    '-m',
    String(o.calls),
    '-timeout',
    `${o.timeoutSeconds}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_stat',
    '-stf',
    join(dir, 'stats.csv'),
    '-fd',
    '1',
    '-trace_err',
    '-error_file',
    join(dir, 'errors.log'),
    ...(o.rate !== undefined ? ['-r', String(o.rate)] : []),
    ...(o.limit !== undefined ? ['-l', String(o.limit)] : []),
    ...(o.lost !== undefined ? ['-lost', String(o.lost)] : []),
    ...(o.durationMs !== undefined ? ['-d', String(o.durationMs)] : []),
    ...(o.extra ?? []),
  ];
  const child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 20_000) stderr += d.toString();
  });
  const done = new Promise<SippResult>((resolve) => {
    child.on('exit', (code) => {
      const statsFile = join(dir, 'stats.csv');
      const stats: Record<string, string> = {};
      if (existsSync(statsFile)) {
        const lines = readFileSync(statsFile, 'utf8').trim().split('\n');
        const head = lines[0]!.split(';');
        const last = lines[lines.length - 1]!.split(';');
        head.forEach((h, i) => (stats[h] = last[i] ?? ''));
      }
      const errFile = join(dir, 'errors.log');
      const errors = existsSync(errFile) ? readFileSync(errFile, 'utf8').slice(0, 20_000) : '';
      resolve({ code, port, stats, errors, dir, stderr });
    });
  });
  return { port, child, done };
}

export async function runSipp(o: SippOptions): Promise<SippResult> {
  return (await startSipp(o)).done;
}

/** Kills a SIPp still running (by its pid, never by name). */
export function killSipp(p: SippProcess): void {
  if (p.child.exitCode === null && p.child.pid !== undefined) p.child.kill('SIGKILL');
}
