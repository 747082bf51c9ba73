/** Spawns the built daemon (dist/src/daemon/cli.js) and follows its JSON log lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/daemon/cli.js', import.meta.url));

export interface LogLine {
  time: string;
  level: string;
  component: string;
  msg: string;
  [k: string]: unknown;
}

export class DaemonProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  private waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  /** `script`: another entry point that runs the daemon (e.g. an example's starter). */
  constructor(args: string[], env: Record<string, string> = {}, script = CLI) {
    this.child = spawn(process.execPath, [script, ...args], {
      // Ephemeral SIP ports so test files can run daemons side by side.
      env: {
        PATH: process.env.PATH ?? '',
        VOICEGATE_SIP_UDP_PORT: '0',
        VOICEGATE_SIP_TCP_PORT: '0',
        VOICEGATE_MRCP_SIP_PORT: '0',
        VOICEGATE_MRCP_PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { time: '', level: 'raw', component: 'raw', msg: text };
      }
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.pred(line) ? (w.resolve(line), false) : true));
    });
    createInterface({ input: this.child.stderr! }).on('line', (t) => this.stderr.push(t));
  }

  /** Resolves with the first log line (past or future) matching `pred`. */
  waitFor(pred: (l: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching log line within ${timeoutMs} ms; got:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}\n${this.stderr.join('\n')}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  /** Waits for readiness and returns the HTTP port from the "http listening" line. */
  async ready(): Promise<number> {
    const l = await this.waitFor((x) => x.msg === 'http listening');
    await this.waitFor((x) => x.msg === 'voicegate ready');
    return l.port as number;
  }

  async exit(timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return { code: this.child.exitCode, signal: this.child.signalCode };
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const [code, signal] = (await once(this.child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(timer);
    return { code, signal };
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}
