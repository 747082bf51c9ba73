/**
 * A live capture with tshark (Debian package tshark) on the loopback interface, filtered to one
 * UDP source port: what voicegate really put on the wire. Tests run as root here and in CI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';

export class Capture {
  private constructor(
    readonly file: string,
    private readonly child: ChildProcess,
  ) {}

  /** Starts capturing datagrams sent from `port` (or matching `filter`) on lo; resolves once tshark is capturing. */
  static async start(file: string, port: number, filter = `udp src port ${port}`): Promise<Capture> {
    const child = spawn('tshark', ['-i', 'lo', '-f', filter, '-F', 'pcap', '-w', file], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`tshark did not start: ${err}`)), 15_000);
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (/Capturing on/.test(err)) {
          clearTimeout(t);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`tshark exited ${code}: ${err}`));
      });
    });
    return new Capture(file, child);
  }

  /** Stops tshark (by its pid) and waits until the file is complete. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGINT');
    await exited;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** tshark's own decoding of a capture: one row of fields per packet matching `filter`. */
export function tsharkFields(file: string, args: string[], filter: string, fields: string[]): string[][] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      ...args,
      '-Y',
      filter,
      '-T',
      'fields',
      '-E',
      'separator=,',
      ...fields.flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  ).trim();
  return out === '' ? [] : out.split('\n').map((l) => l.split(','));
}
