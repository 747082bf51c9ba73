/**
 * bench:mrcp sessions — how many concurrent MRCP sessions one core of the server carries, each
 * with SPEAK streaming audio (the tone engine, prompts of 10 s spoken back to back) while
 * RECOGNIZE listens to the caller's audio (Start-Input-Timers: false, so it listens for good), and
 * the server's heap per session. The server runs in its own process (bench-server.ts) and is
 * measured alone: CPU over the window, event-loop delay p99 (the 20 ms ticks must stay on time),
 * and the share of the expected prompt frames that reached the client.
 *
 * Baseline, same run: bare media — as many RTP streams in the server process doing the same audio
 * work (a tone out, the energy of every received frame), without SIP, MRCP or engines. The gap is
 * what the protocol costs on top of the media.
 *
 * Bounded: steps from BENCH_SESSIONS (default 50,100,200), BENCH_SECONDS (default 4) each.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FrameClock, MediaStream } from '../../src/media/index.js';
import { MrcpClient, type MrcpSpeechSession } from '../../src/mrcp/index.js';
import { PortPool } from '../../src/rtp/index.js';
import { negotiated } from './negotiated.js';

const STEPS = (process.env.BENCH_SESSIONS ?? '50,100,200').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const serverScript = fileURLToPath(new URL('./bench-server.js', import.meta.url));

interface Reply {
  ok?: string;
  error?: string;
  sipPort?: number;
  ports?: number[];
  heap?: number;
  cpu?: number;
  loopP99?: number;
  sessions?: number;
}

class Child {
  private readonly p: ChildProcess;
  private waiting: ((r: Reply) => void)[] = [];
  private constructor() {
    this.p = fork(serverScript, [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.p.on('message', (m: Reply) => {
      if (m.error) throw new Error(`bench server: ${m.error}`);
      this.waiting.shift()?.(m);
    });
  }
  static async start(): Promise<Child> {
    const c = new Child();
    await c.next();
    return c;
  }
  private next(): Promise<Reply> {
    return new Promise((r) => this.waiting.push(r));
  }
  ask(m: Record<string, unknown>): Promise<Reply> {
    const p = this.next();
    this.p.send(m);
    return p;
  }
  async exit(): Promise<void> {
    const done = new Promise((r) => this.p.once('exit', r));
    this.p.send({ cmd: 'exit' });
    await done;
  }
}

function audible(f: Int16Array): boolean {
  for (let i = 0; i < f.length; i += 8) {
    const v = f[i] as number;
    if (v > 64 || v < -64) return true;
  }
  return false;
}

export interface Row {
  mode: string;
  sessions: number;
  cpu: number;
  loopP99: number;
  delivered: number;
  heapPerSession: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function measure(
  child: Child,
  frames: () => number,
  n: number,
): Promise<Omit<Row, 'mode' | 'heapPerSession'> & { heap: number }> {
  await sleep(1000);
  await child.ask({ cmd: 'measure-start' });
  const f0 = frames();
  await sleep(SECONDS * 1000);
  const end = await child.ask({ cmd: 'measure-end' });
  const got = frames() - f0;
  return {
    sessions: n,
    cpu: end.cpu ?? 0,
    loopP99: end.loopP99 ?? 0,
    delivered: got / (n * 50 * SECONDS),
    heap: end.heap ?? 0,
  };
}

async function mrcpStep(n: number): Promise<Row> {
  const child = await Child.start();
  const started = await child.ask({ cmd: 'start', mode: 'mrcp' });
  const frameClock = new FrameClock();
  const client = new MrcpClient({
    pools: [{ name: 'b', servers: [{ name: 'server', sip: `127.0.0.1:${started.sipPort}` }] }],
    sip: { host: '127.0.0.1', protocols: ['udp'] },
    rtp: { pool: new PortPool({ min: 40000, max: 49999 }), host: '127.0.0.1' },
    frameClock,
    timeouts: { inviteMs: 10_000, responseMs: 10_000 },
  });
  await client.start();
  let frames = 0;
  let stopped = false;
  const sessions: MrcpSpeechSession[] = [];
  for (let i = 0; i < n; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, () =>
        client.openSession({ resources: ['speechsynth', 'speechrecog'] }),
      ),
    );
    for (const s of batch) {
      s.events.onAudio = (f) => void (audible(f) && frames++);
      const speak = (): void =>
        void s
          .speak('x'.repeat(200))
          .done.then(() => !stopped && speak())
          .catch(() => undefined);
      speak();
      void s
        .recognize({ uris: ['builtin:grammar/boolean'], startInputTimers: false, completionMs: 3_600_000 })
        .done.catch(() => undefined);
      sessions.push(s);
    }
  }
  const m = await measure(child, () => frames, n);
  stopped = true;
  for (const s of sessions) s.close();
  await client.stop();
  await child.exit();
  return {
    mode: 'MRCP session (SIP + TCP + SPEAK + RECOGNIZE)',
    ...m,
    heapPerSession: (m.heap - (started.heap ?? 0)) / n,
  };
}

async function mediaStep(n: number): Promise<Row> {
  const child = await Child.start();
  const started = await child.ask({ cmd: 'start', mode: 'media' });
  const frameClock = new FrameClock();
  const pool = new PortPool({ min: 40000, max: 49999 });
  let frames = 0;
  const streams: MediaStream[] = [];
  for (let i = 0; i < n; i++) {
    const r = await MediaStream.open({ rtp: { pool, host: '127.0.0.1' }, frameClock, rate: 8000 });
    if (!r.ok) throw new Error(r.message);
    r.stream.events.onFrame = (f) => void (audible(f) && frames++);
    streams.push(r.stream);
  }
  const opened = await child.ask({ cmd: 'media-open', ports: streams.map((s) => s.port) });
  streams.forEach((s, i) => s.configure(negotiated(opened.ports?.[i] ?? 0)));
  const m = await measure(child, () => frames, n);
  await Promise.all(streams.map((s) => s.close()));
  await child.exit();
  return {
    mode: 'baseline: bare media stream (RTP + codec + energy)',
    ...m,
    heapPerSession: (m.heap - (started.heap ?? 0)) / n,
  };
}

export async function runSessions(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of STEPS) {
    rows.push(await mediaStep(n));
    rows.push(await mrcpStep(n));
  }
  return rows;
}

export function printSessions(rows: Row[]): void {
  console.log(
    `\nConcurrent sessions (server process alone; ${SECONDS} s windows; node ${process.version})\n`,
  );
  console.log(
    '| what | sessions | server CPU (% of a core) | est. sessions per core | event-loop p99 ms | prompt audio delivered | server heap per session |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${r.sessions} | ${(r.cpu * 100).toFixed(1)} | ${Math.round(r.sessions / Math.max(r.cpu, 1e-6))} | ${r.loopP99.toFixed(1)} | ${(r.delivered * 100).toFixed(1)} % | ${(r.heapPerSession / 1024).toFixed(1)} KB |`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printSessions(await runSessions());
}
