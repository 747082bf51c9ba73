/**
 * bench:media — concurrent G.711 calls one voicegate process carries with < 0.1 % loss, next to a
 * bare dgram relay measured in the same run. Three processes: this orchestrator, the server
 * under test (server.ts) and the RTP load generator (generator.ts). For each mode the number of
 * calls grows step by step; a step passes with loss < 0.1 % (packets sent in the window that did
 * not come back) and the server below 0.95 of a core. Reported: the server's CPU, packets/s both
 * ways, p50/p99 added delay variation ("added jitter"), memory per call, young GCs per 100k packets.
 *
 * Run: npm run bench:media [-- --quick]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FromGenerator, FromServer, ServerMode, ToGenerator, ToServer } from './protocol.js';

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const quick = process.argv.includes('--quick');
const WARMUP_MS = quick ? 1500 : 2500;
const WINDOW_MS = quick ? 3000 : 6000;

interface Row {
  mode: ServerMode;
  calls: number;
  streams: number;
  lossPct: number;
  serverCores: number;
  genCores: number;
  ppsIn: number;
  ppsOut: number;
  p50: number;
  p99: number;
  p999: number;
  memPerCallKB: number;
  gcsPer100k: number;
  maxLateMs: number;
  loopMaxMs: number;
  skipped: number;
  jb: string;
  pass: boolean;
}

function child(file: string, args: string[] = []): ChildProcess {
  return fork(here(file), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--expose-gc'],
  });
}

function next<T>(c: ChildProcess, type: string, ms = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${type} from child`)), ms);
    const on = (m: { type: string }): void => {
      if (m.type !== type) return;
      clearTimeout(t);
      c.off('message', on);
      resolve(m as T);
    };
    c.on('message', on);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function step(mode: ServerMode, calls: number): Promise<Row> {
  const streams = mode === 'bridge' ? 2 * calls : calls;
  const server = child('server.js');
  const gen = child('generator.js');
  try {
    gen.send({ type: 'bind', sockets: streams } satisfies ToGenerator);
    const bound = await next<Extract<FromGenerator, { type: 'bound' }>>(gen, 'bound');
    server.send({ type: 'setup', mode, remotes: bound.ports, portBase: 10000 } satisfies ToServer);
    const ready = await next<Extract<FromServer, { type: 'ready' }>>(server, 'ready');
    gen.send({
      type: 'start',
      targets: ready.ports,
      pairs: mode === 'bridge' ? 'bridge' : 'echo',
    } satisfies ToGenerator);
    await sleep(WARMUP_MS);
    // The server's counters are read first (a pause of a few ms on its loop), settled, then the
    // generator counts; at the end the generator stops counting before the server is read again.
    server.send({ type: 'window-start' } satisfies ToServer);
    await next(server, 'window-started');
    await sleep(300);
    gen.send({ type: 'window-start' } satisfies ToGenerator);
    await sleep(WINDOW_MS);
    gen.send({ type: 'window-end' } satisfies ToGenerator);
    const gw = await next<Extract<FromGenerator, { type: 'window' }>>(gen, 'window');
    server.send({ type: 'window-end' } satisfies ToServer);
    const sw = await next<Extract<FromServer, { type: 'window' }>>(server, 'window');
    const lossPct = gw.sent > 0 ? (100 * (gw.sent - gw.matched)) / gw.sent : 100;
    const serverCores = sw.cpuMs / sw.wallMs;
    const mem = ready.memory.rss - ready.baseline.rss;
    const packets = sw.packetsIn + sw.packetsOut;
    return {
      mode,
      calls,
      streams,
      lossPct,
      serverCores,
      genCores: gw.cpuMs / WINDOW_MS,
      ppsIn: (sw.packetsIn * 1000) / sw.wallMs,
      ppsOut: (sw.packetsOut * 1000) / sw.wallMs,
      p50: gw.p50Ms,
      p99: gw.p99Ms,
      p999: gw.p999Ms,
      memPerCallKB: mem / calls / 1024,
      gcsPer100k: packets > 0 ? (sw.gcs * 100_000) / packets : 0,
      maxLateMs: sw.maxLateMs,
      loopMaxMs: sw.loopDelayMaxMs,
      skipped: sw.skippedTicks,
      jb: `${sw.jitterBuffer.dropped}/${sw.jitterBuffer.late}/${sw.jitterBuffer.underruns}`,
      pass: lossPct < 0.1 && serverCores < 0.95,
    };
  } finally {
    server.send({ type: 'exit' } satisfies ToServer);
    gen.send({ type: 'exit' } satisfies ToGenerator);
    await Promise.all(
      [server, gen].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
    );
  }
}

const fmt = (n: number, d = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    : '—';

function table(rows: Row[]): string {
  const head =
    '| server | calls | streams | loss % | server CPU (cores) | generator CPU | packets/s in | packets/s out | added jitter p50 / p99 / p99.9 ms | server loop delay max ms | frame ticks skipped | jitter buffer dropped/late/underruns | memory per call KB | young GCs per 100k packets | pass |';
  const sep =
    '|' +
    head
      .split('|')
      .slice(1, -1)
      .map(() => '---')
      .join('|') +
    '|';
  const lines = rows.map(
    (r) =>
      `| ${r.mode === 'relay' ? 'bare dgram relay (baseline)' : r.mode === 'echo' ? 'voicegate echo' : 'voicegate bridge'} | ${r.calls} | ${r.streams} | ${fmt(r.lossPct, 3)} | ${fmt(r.serverCores, 2)} | ${fmt(r.genCores, 2)} | ${fmt(r.ppsIn)} | ${fmt(r.ppsOut)} | ${fmt(r.p50, 1)} / ${fmt(r.p99, 1)} / ${fmt(r.p999, 1)} | ${fmt(r.loopMaxMs, 1)} | ${r.mode === 'relay' ? '—' : r.skipped} | ${r.mode === 'relay' ? '—' : r.jb} | ${fmt(r.memPerCallKB, 1)} | ${fmt(r.gcsPer100k, 2)} | ${r.pass ? 'yes' : 'no'} |`,
  );
  return [head, sep, ...lines].join('\n');
}

async function main(): Promise<void> {
  const plan: Record<ServerMode, number[]> = quick
    ? { relay: [500], echo: [250, 500], bridge: [250] }
    : {
        relay: [500, 1000, 1500, 2000],
        echo: [250, 500, 750, 1000, 1250, 1500, 2000],
        bridge: [125, 250, 375, 500, 750, 1000],
      };
  const loadBefore = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const rows: Row[] = [];
  for (const mode of ['relay', 'echo', 'bridge'] as const) {
    for (const calls of plan[mode]) {
      const r = await step(mode, calls);
      rows.push(r);
      process.stderr.write(
        `${mode} ${calls}: loss ${fmt(r.lossPct, 3)} % cpu ${fmt(r.serverCores, 2)} p99 ${fmt(r.p99, 1)} ms ${r.pass ? 'pass' : 'FAIL'}\n`,
      );
      if (!r.pass) break;
    }
  }
  console.log(
    `load average (1/5/15 min) before: ${loadBefore}, after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `node ${process.version}, ${WINDOW_MS / 1000} s window after ${WARMUP_MS / 1000} s warm-up per step, PCMA 20 ms, loopback`,
  );
  console.log(table(rows));
  for (const mode of ['relay', 'echo', 'bridge'] as const) {
    const best = rows.filter((r) => r.mode === mode && r.pass).pop();
    if (!best) continue;
    const perCore = best.calls / Math.max(best.serverCores, 0.01);
    console.log(
      `${mode}: ${best.calls} calls passed (${fmt(best.ppsIn + best.ppsOut)} packets/s) at ${fmt(best.serverCores, 2)} cores → ≈ ${fmt(perCore)} calls per core`,
    );
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
