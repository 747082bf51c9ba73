/**
 * One PocketSphinx decode as a child process: `pocketsphinx_batch` reading raw 16 kHz 16-bit
 * audio from its stdin (the control file names a symlink to /dev/stdin; on a pipe PocketSphinx
 * decodes incrementally as samples arrive; Node's stdio is a socket pair, which /dev/stdin cannot
 * reopen, so `sh -c 'cat | exec pocketsphinx_batch ...'` puts a real pipe in between, and the
 * three run as one process group that a kill ends together), with the request's JSGF grammar and a small
 * dictionary, writing the N-best list (`-nbest`, `-nbestdir`) when stdin closes. A process per
 * recognition keeps a decoder crash to its own request; the model files are memory-mapped, so a
 * start costs about 0.1 s and happens while the caller is still listening. Bounded: stderr keeps
 * its last 2 KiB, unsent audio at most `maxPendingBytes`, the end waits at most `endTimeoutMs`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SphinxProcessOptions {
  path: string;
  modelDir: string;
  jsgf: string;
  dict: string;
  nbest: number;
  extraArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  tmpRoot?: string;
  maxPendingBytes?: number;
  endTimeoutMs?: number;
}

export interface SphinxHypothesis {
  /** Words as decoded (alternate-pronunciation markers removed, silence/NULL dropped). */
  words: string[];
  /** Path score (log base 1.0001, higher is better). */
  score: number;
}

export interface SphinxProcess {
  /** Queues samples; false when the process is gone or too far behind. */
  write(pcm16k: Int16Array): boolean;
  /** Closes the input and returns the N-best list, best first. Rejects on failure. */
  end(): Promise<SphinxHypothesis[]>;
  kill(): void;
}

const SKIP = new Set(['<s>', '</s>', '<sil>', '(NULL)', '(null)', 'NULL']);

export function parseNbest(text: string): SphinxHypothesis[] {
  const out: SphinxHypothesis[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.*?)\s*(-?\d+)\s*$/.exec(line);
    if (!m || line.trim() === '') continue;
    const words = (m[1] as string)
      .split(/\s+/)
      .filter((w) => w !== '' && !SKIP.has(w))
      .map((w) => w.replace(/\(\d+\)$/, ''));
    out.push({ words, score: Number(m[2]) });
  }
  return out;
}

/** Parses a `-hyp` line: `words (uttid score)`. */
export function parseHypLine(line: string): SphinxHypothesis | undefined {
  const m = /^(.*)\((\S+)\s+(-?\d+)\)\s*$/.exec(line.trim());
  if (!m) return undefined;
  return parseNbest(`${m[1] ?? ''} ${m[3] ?? ''}`)[0];
}

export async function startSphinx(o: SphinxProcessOptions): Promise<SphinxProcess> {
  const dir = await mkdtemp(join(o.tmpRoot ?? tmpdir(), 'voicegate-sphinx-'));
  const cleanup = (): void => void rm(dir, { recursive: true, force: true }).catch(() => undefined);
  let child: ChildProcess;
  try {
    await Promise.all([
      writeFile(join(dir, 'g.gram'), o.jsgf),
      writeFile(join(dir, 'g.dict'), o.dict),
      writeFile(join(dir, 'ctl'), 'utt\n'),
      symlink('/dev/stdin', join(dir, 'utt.raw')),
    ]);
    child = spawn(
      '/bin/sh',
      [
        '-c',
        'cat | exec "$0" "$@"',
        o.path,
        ...['-hmm', o.modelDir, '-dict', join(dir, 'g.dict'), '-jsgf', join(dir, 'g.gram')],
        ...['-adcin', 'yes', '-cepdir', dir, '-cepext', '.raw', '-ctl', join(dir, 'ctl')],
        ...['-nbest', String(o.nbest), '-nbestdir', dir, '-hyp', join(dir, 'hyp'), '-samprate', '16000'],
        ...(o.extraArgs ?? []),
      ],
      { env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true },
    );
  } catch (err) {
    cleanup();
    throw err;
  }
  const maxPending = o.maxPendingBytes ?? 16000 * 2 * 10;
  let stderr = '';
  let spawnError: string | undefined;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let killed = false;
  const exitWaiters: (() => void)[] = [];
  child.on('error', (e: NodeJS.ErrnoException) => {
    spawnError = e.code === 'ENOENT' ? `${o.path}: not found` : `${o.path}: ${e.message}`;
  });
  child.stdin?.on('error', () => undefined);
  child.stdout?.resume();
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString('utf8')).slice(-2048);
  });
  child.on('close', (code, signal) => {
    exited = { code, signal };
    for (const w of exitWaiters.splice(0)) w();
  });
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const why = (): string => {
    const fatal = /(?:FATAL|ERROR):[^\n]*/g.exec(stderr)?.[0];
    return (
      spawnError ??
      `${o.path} exited with ${exited?.signal ?? `code ${String(exited?.code)}`}${fatal ? `: ${fatal.slice(0, 200)}` : ''}`
    );
  };

  return {
    write(pcm) {
      const s = child.stdin;
      if (killed || exited || spawnError || !s || s.writableEnded) return false;
      if (s.writableLength > maxPending) return false;
      s.write(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      return true;
    },
    async end() {
      child.stdin?.end();
      if (!exited && !spawnError) {
        const timeoutMs = o.endTimeoutMs ?? 5000;
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          exitWaiters.push(resolve);
          timer = setTimeout(() => {
            killGroup();
            spawnError ??= `${o.path} gave no result within ${timeoutMs} ms`;
            resolve();
          }, timeoutMs);
        });
        clearTimeout(timer);
      }
      try {
        if (killed) throw new Error('cancelled');
        if (exited?.code === 127) throw new Error(`${o.path}: not found`);
        if (spawnError || exited?.code !== 0) throw new Error(why());
        const nbest = parseNbest(await readFile(join(dir, 'utt.hyp'), 'utf8').catch(() => ''));
        if (nbest.length > 0) return nbest;
        const hypText = await readFile(join(dir, 'hyp'), 'utf8').catch(() => '');
        const hyp = parseHypLine(hypText.split('\n').find((l) => l.includes('(utt ')) ?? '');
        return hyp ? [hyp] : [];
      } finally {
        cleanup();
      }
    },
    kill() {
      if (killed) return;
      killed = true;
      if (!exited) killGroup();
      cleanup();
    },
  };
}
