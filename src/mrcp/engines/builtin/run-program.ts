/**
 * Runs a helper program to completion with a time and output bound: used for the start-up
 * health checks (`espeak-ng --version`, `--voices`) and the bench baselines. Never throws: a
 * missing binary, a crash or a timeout come back as `{ ok: false, error }`.
 */
import { spawn } from 'node:child_process';

export interface RunResult {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string;
  ms: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

export function runProgram(path: string, args: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const max = o.maxOutputBytes ?? 1 << 20;
  return new Promise((resolve) => {
    let done = false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    const finish = (r: Omit<RunResult, 'stdout' | 'stderr' | 'ms'>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        ...r,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - started,
      });
    };
    const child = spawn(path, args, { env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, code: null, error: `${path} timed out after ${o.timeoutMs ?? 10_000} ms` });
    }, o.timeoutMs ?? 10_000);
    child.on('error', (e: NodeJS.ErrnoException) =>
      finish({
        ok: false,
        code: null,
        error:
          e.code === 'ENOENT'
            ? `${path}: not found (is the program installed and on PATH?)`
            : `${path}: ${e.message}`,
      }),
    );
    child.stdout.on('data', (b: Buffer) => {
      if (outBytes < max) out.push(b);
      outBytes += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errBytes < max) err.push(b);
      errBytes += b.length;
    });
    child.stdin.on('error', () => undefined);
    child.on('close', (code, signal) =>
      finish(
        code === 0
          ? { ok: true, code }
          : { ok: false, code, error: `${path} exited with ${signal ?? `code ${String(code)}`}` },
      ),
    );
    if (o.input !== undefined) child.stdin.end(o.input);
    else child.stdin.end();
  });
}
