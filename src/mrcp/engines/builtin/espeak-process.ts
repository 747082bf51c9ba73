/**
 * One espeak-ng run for one prompt segment, as a child process (its licence and its crashes stay
 * outside the daemon): text on stdin, a WAV stream on stdout read as it comes (`--stdout`), so
 * the first samples leave long before a long text is synthesized. Bounded: stderr keeps only its
 * last 2 KiB, and a run that produces nothing for `stallMs` while not paused is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { WavStreamReader } from './wav-stream.js';

export interface EspeakRunOptions {
  path: string;
  args: readonly string[];
  input: string;
  env?: NodeJS.ProcessEnv;
  stallMs: number;
  /** Samples at `rate` (the rate arrives with the first samples). */
  onSamples(samples: Int16Array, rate: number): void;
  /** Once: undefined on a clean exit, else why it failed. */
  onEnd(error?: string): void;
}

export interface EspeakRun {
  readonly pid: number | undefined;
  pause(): void;
  resume(): void;
  kill(): void;
}

export function runEspeak(o: EspeakRunOptions): EspeakRun {
  let ended = false;
  let paused = false;
  let stderr = '';
  let rate = 0;
  const wav = new WavStreamReader();
  let child: ChildProcess;
  const end = (error?: string): void => {
    if (ended) return;
    ended = true;
    clearTimeout(stall);
    o.onEnd(error);
  };
  let stall: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    clearTimeout(stall);
    if (!paused && !ended)
      stall = setTimeout(() => {
        child.kill('SIGKILL');
        end(`espeak-ng produced nothing for ${o.stallMs} ms`);
      }, o.stallMs);
  };
  try {
    child = spawn(o.path, [...o.args, '--stdout'], {
      env: o.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    queueMicrotask(() => end(`cannot start ${o.path}: ${(err as Error).message}`));
    return { pid: undefined, pause() {}, resume() {}, kill() {} };
  }
  arm();
  child.on('error', (e: NodeJS.ErrnoException) =>
    end(e.code === 'ENOENT' ? `${o.path}: not found` : `${o.path}: ${e.message}`),
  );
  child.stdin?.on('error', () => undefined); // EPIPE when it dies early: reported by 'close'
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString('utf8')).slice(-2048);
  });
  child.stdout?.on('data', (b: Buffer) => {
    if (ended) return;
    arm();
    const r = wav.push(b);
    if (!r.ok) {
      child.kill('SIGKILL');
      end(`espeak-ng output: ${r.error}`);
      return;
    }
    if (r.sampleRate) rate = r.sampleRate;
    if (r.samples && r.samples.length > 0) o.onSamples(r.samples, rate);
  });
  child.on('close', (code, signal) => {
    if (code === 0 && wav.sampleRate > 0) end();
    else if (code === 0) end('espeak-ng wrote no audio');
    else
      end(
        `espeak-ng exited with ${signal ?? `code ${String(code)}`}${stderr ? `: ${stderr.trim().slice(-200)}` : ''}`,
      );
  });
  child.stdin?.end(o.input);
  return {
    pid: child.pid,
    pause() {
      if (ended || paused) return;
      paused = true;
      child.stdout?.pause();
      clearTimeout(stall);
    },
    resume() {
      if (ended || !paused) return;
      paused = false;
      child.stdout?.resume();
      arm();
    },
    kill() {
      if (ended) return;
      ended = true;
      clearTimeout(stall);
      child.kill('SIGKILL');
    },
  };
}
