/** A real unix datagram socket for sd_notify tests (Node's dgram has none, so python3 binds it). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../test/helpers/notify-listener.py', import.meta.url));

export class NotifyListener {
  readonly messages: string[] = [];
  private readonly child: ChildProcess;
  private readonly bound: Promise<void>;
  private waiters: { pred: (m: string) => boolean; resolve: () => void }[] = [];

  /** `name` is a socket path or `@abstract`. */
  constructor(readonly name: string) {
    this.child = spawn('python3', [SCRIPT, name], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.bound = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      createInterface({ input: this.child.stdout! }).on('line', (line) => {
        if (line === 'LISTENING') return resolve();
        const msg = JSON.parse(line) as string;
        this.messages.push(msg);
        this.waiters = this.waiters.filter((w) => (w.pred(msg) ? (w.resolve(), false) : true));
      });
    });
  }

  listening(): Promise<void> {
    return this.bound;
  }

  waitFor(pred: (m: string) => boolean, timeoutMs = 10_000): Promise<void> {
    if (this.messages.some(pred)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`no notify message matched; got ${JSON.stringify(this.messages)}`)),
        timeoutMs,
      );
      this.waiters.push({ pred, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  close(): void {
    this.child.kill('SIGKILL');
  }
}
