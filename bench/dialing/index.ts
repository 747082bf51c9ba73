/**
 * bench:dialing — 200 privacy-number calls across the scenario mix, dialled by CallManager.dial
 * through three SIP trunks (RFC 4733, INFO-only, in-band-only carrier profiles) whose limiters
 * pace them at the trunk's calls-per-second, against an in-process platform: a second voicegate
 * whose applications behave like the platforms (answer or 183, the espeak-ng prompt of the
 * shipped profiles, collect the extension, then ringback + "喂，你好", busy tone, "invalid" and the
 * prompt again, or 486). Both sides share this process and its 2 cores' share.
 *
 * Reported per scheme: calls, expected outcome reached (%), time from media (200 OK, or the 183
 * for the early-media scheme) to the last digit sent, and time to reached_extension (p50/p95);
 * baseline in the same run: plain numbers (no plan beyond the answer) at the same pacing.
 *
 * Run: npm run bench:dialing [-- --quick]   (quick: 60 calls)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallManager, type AppSpec, type Cdr, type RouteSpec, type StepSpec } from '../../src/call/index.js';
import { loadProfiles } from '../../src/dialing/index.js';
import { decodeWav, FrameClock, wavHeader } from '../../src/media/index.js';
import { PortPool, newDropCounters } from '../../src/rtp/index.js';
import { SipStack, type TrunkConfig } from '../../src/sip/index.js';

const quick = process.argv.includes('--quick');
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const noop = (): void => undefined;
const quiet = { debug: noop, info: noop, warn: noop, error: noop };

/** One scheme of the mix: how many calls, on which trunk, to which number, what must come out. */
interface Scheme {
  name: string;
  calls: number;
  trunk: 'rfc' | 'info' | 'inband';
  /** The privacy number of call i. */
  to: (i: number) => string;
  expect: string;
  /** The platform's route (its called number prefix as the carrier profile formats it) and app. */
  route: string;
  steps: StepSpec[];
}

const prompt = join(ROOT, 'profiles/dialing/recordings/prompt.wav');
const invalid = join(ROOT, 'profiles/dialing/recordings/invalid.wav');
const fixture = (f: string): string => join(ROOT, 'test/fixtures/dialing', f);

function audioDir(): { dir: string; ringback: string; hello: string; busy: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vg-bench-dialing-'));
  // Ringback as a platform rings the customer: two cadences of 450 Hz (1 s on, 4 s off), cut 1 s
  // into the second silence (the customer picks up).
  const rb = decodeWav(readFileSync(fixture('ringback-cn.wav')), 8000);
  if (!rb.ok) throw new Error(rb.message);
  const cut = rb.clip.samples.subarray(0, 7 * 8000);
  const ringback = join(dir, 'ringback-7s.wav');
  writeFileSync(
    ringback,
    Buffer.concat([
      wavHeader(8000, 1, cut.byteLength),
      Buffer.from(cut.buffer, cut.byteOffset, cut.byteLength),
    ]),
  );
  return { dir, ringback, hello: fixture('hello.wav'), busy: fixture('busy-cn.wav') };
}

function schemes(a: ReturnType<typeof audioDir>, scale: number): Scheme[] {
  const n = (k: number): number => Math.max(2, Math.round(k * scale));
  const play = (file: string): StepSpec => ({ type: 'play', file, bargeIn: false });
  const collect: StepSpec = {
    type: 'collectDigits',
    maxDigits: 5,
    terminator: '#',
    firstDigitTimeoutMs: 8000,
    interDigitTimeoutMs: 3000,
    into: 'ext',
  };
  const accepted: StepSpec[] = [play(a.ringback), play(a.hello), { type: 'pause', ms: 8000 }];
  const answered: StepSpec[] = [{ type: 'answer' }, play(prompt), collect, ...accepted];
  const num = (prefix: string) => (i: number) => `${prefix}${String(1_000_000 + i).slice(1)}`;
  return [
    {
      name: 'answered + RFC 4733',
      calls: n(40),
      trunk: 'rfc',
      to: (i) => `${num('17002')(i)}-1234`,
      expect: 'reached_extension',
      route: '+8617002',
      steps: answered,
    },
    {
      name: 'early media (183) + RFC 4733',
      calls: n(40),
      trunk: 'rfc',
      to: (i) => `${num('17012')(i)}-1234`,
      expect: 'reached_extension',
      route: '+8617012',
      steps: [
        play(prompt),
        collect,
        play(a.ringback),
        { type: 'answer' },
        play(a.hello),
        { type: 'pause', ms: 8000 },
      ],
    },
    {
      name: 'answered + SIP INFO',
      calls: n(30),
      trunk: 'info',
      to: (i) => `${num('17022')(i)}-1234`,
      expect: 'reached_extension',
      route: '17022',
      steps: answered,
    },
    {
      name: 'answered + in-band',
      calls: n(30),
      trunk: 'inband',
      to: (i) => `${num('17032')(i)}-1234`,
      expect: 'reached_extension',
      route: '17032',
      steps: answered,
    },
    {
      name: 'generic (VAD, no platform data)',
      calls: n(30),
      trunk: 'rfc',
      to: (i) => `${num('13902')(i)}-1234`,
      expect: 'reached_extension',
      route: '+8613902',
      steps: answered,
    },
    {
      name: 'customer busy',
      calls: n(10),
      trunk: 'rfc',
      to: (i) => `${num('17003')(i)}-1234`,
      expect: 'customer_busy',
      route: '+8617003',
      steps: [{ type: 'answer' }, play(prompt), collect, play(a.busy), { type: 'pause', ms: 8000 }],
    },
    {
      name: 'wrong extension (2 attempts)',
      calls: n(10),
      trunk: 'rfc',
      to: (i) => `${num('17092')(i)}-9999`,
      expect: 'invalid_extension',
      route: '+8617092',
      steps: [
        { type: 'answer' },
        play(prompt),
        collect,
        play(invalid),
        play(prompt),
        collect,
        play(invalid),
        play(prompt),
        collect,
        { type: 'pause', ms: 8000 },
      ],
    },
    {
      name: 'X busy (486)',
      calls: n(10),
      trunk: 'rfc',
      to: (i) => `${num('17004')(i)}-1234`,
      expect: 'x_busy',
      route: '+8617004',
      steps: [{ type: 'hangup', cause: 17 }],
    },
  ];
}

/** Bench carrier profiles: the shipped ones' behaviour, with limits sized for the mix. */
function benchProfiles(): { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vg-bench-profiles-'));
  cpSync(join(ROOT, 'profiles/dialing'), dir, { recursive: true });
  const limits = 'limits: { maxConcurrentCalls: 40, callsPerSecond: 3, queueSize: 200 }\n';
  writeFileSync(
    join(dir, 'trunk-bench-rfc.yaml'),
    'kind: trunk\nname: bench-rfc\nnumberFormat: { style: e164 }\ncodecs: [PCMA, PCMU]\ndtmf: { methods: [rfc4733, inband] }\n' +
      limits,
  );
  writeFileSync(
    join(dir, 'trunk-bench-info.yaml'),
    'kind: trunk\nname: bench-info\nnumberFormat: { style: national }\ncodecs: [PCMA]\ndtmf: { methods: [info] }\n' +
      limits,
  );
  writeFileSync(
    join(dir, 'trunk-bench-inband.yaml'),
    'kind: trunk\nname: bench-inband\nnumberFormat: { style: national }\ncodecs: [PCMA]\ndtmf: { methods: [inband] }\n' +
      limits,
  );
  writeFileSync(
    join(dir, 'platform-two-attempts.yaml'),
    'kind: platform\nname: two-attempts\nmatch: { prefixes: ["1709"], kinds: [mobile] }\nextension: { minLength: 4, maxLength: 4 }\n' +
      "terminator: '#'\nattempts: 2\nrecordings:\n  prompt: [recordings/prompt.wav]\n  invalid: [recordings/invalid.wav]\nplan: answered-rfc4733\n",
  );
  return { dir };
}

function stack(trunks: TrunkConfig[]): SipStack {
  return new SipStack({
    listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
    trunks,
    sessionTimer: { enabled: false },
    logger: quiet,
  });
}

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sec = (ms: number): string => (Number.isNaN(ms) ? '—' : (ms / 1000).toFixed(2));

interface Row {
  name: string;
  calls: number;
  ok: number;
  toDigit: number[];
  toReach: number[];
  wrong: Record<string, number>;
}

async function main(): Promise<void> {
  const scale = quick ? 0.3 : 1;
  const audio = audioDir();
  const prof = benchProfiles();
  const profiles = loadProfiles(prof.dir);
  const frameClock = new FrameClock();
  const mix = schemes(audio, scale);
  const baselineCalls = quick ? 6 : 20;

  // The platform: one voicegate, one app per behaviour, routed by the called number.
  const platformStack = stack([
    { name: 'dialer', peers: ['127.0.0.1:9'], transport: 'udp', acl: ['127.0.0.0/8'] },
  ]);
  const apps: AppSpec[] = [
    ...mix.map((s, i) => ({ name: `p${i}`, steps: s.steps, maxDurationMs: 120_000 })),
    { name: 'plain', steps: [{ type: 'answer' }, { type: 'pause', ms: 8000 }], maxDurationMs: 60_000 },
  ];
  const routes: RouteSpec[] = [
    ...mix.map((s, i) => ({ calledPrefix: s.route, app: `p${i}` })),
    { app: 'plain' },
  ];
  const platform = new CallManager({
    stack: platformStack,
    frameClock,
    rtp: { pool: new PortPool({ min: 30000, max: 30999 }), host: '127.0.0.1', counters: newDropCounters() },
    apps,
    routes,
    promptsDir: audio.dir,
    recordingsDir: audio.dir,
    logger: quiet,
  });
  await platformStack.start();
  const pport = platformStack.transport.transports[0]!.local.port;

  // The dialer: three trunks to the platform, each with its carrier profile.
  const trunk = (name: string): TrunkConfig => ({
    name,
    peers: [`127.0.0.1:${pport}`],
    transport: 'udp',
    acl: ['127.0.0.0/8'],
  });
  const dialerStack = stack([trunk('rfc'), trunk('info'), trunk('inband'), trunk('plain')]);
  const cdrs = new Map<string, Cdr>();
  const dialer = new CallManager({
    stack: dialerStack,
    frameClock,
    rtp: { pool: new PortPool({ min: 31000, max: 31999 }), host: '127.0.0.1', counters: newDropCounters() },
    apps: [],
    routes: [],
    promptsDir: audio.dir,
    recordingsDir: audio.dir,
    logger: quiet,
    onCdr: (c) => {
      if (c.dialing) cdrs.set(c.dialing.id, c);
    },
    dialing: {
      profiles,
      trunkProfiles: { rfc: 'bench-rfc', info: 'bench-info', inband: 'bench-inband', plain: 'bench-rfc' },
      maxQueueWaitMs: 300_000,
    },
  });
  await dialerStack.start();

  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const wanted = new Map<string, { row: Row; expect: string }>();
  const rows: Row[] = [];
  const add = (name: string, calls: number): Row => {
    const r: Row = { name, calls, ok: 0, toDigit: [], toReach: [], wrong: {} };
    rows.push(r);
    return r;
  };
  // Baseline first, alone: plain numbers, the answer is the whole plan.
  const base = add('baseline: plain number, answer only', baselineCalls);
  for (let i = 0; i < baselineCalls; i++) {
    const r = dialer.dial({ to: `1380000${String(1000 + i)}`, trunk: 'plain' });
    if (r.ok) wanted.set(r.dial.id, { row: base, expect: 'answered' });
  }
  await waitAll(wanted, cdrs, 120_000);
  // The mix, interleaved so every trunk paces its own share.
  const order: { s: Scheme; i: number; row: Row }[] = [];
  const byScheme = mix.map((s) => ({ s, row: add(s.name, s.calls) }));
  for (let i = 0; byScheme.some((b) => i < b.s.calls); i++)
    for (const b of byScheme) if (i < b.s.calls) order.push({ s: b.s, i, row: b.row });
  let refused = 0;
  for (const o of order) {
    const r = dialer.dial({ to: o.s.to(o.i), trunk: o.s.trunk });
    if (r.ok) wanted.set(r.dial.id, { row: o.row, expect: o.s.expect });
    else refused++;
  }
  await waitAll(wanted, cdrs, quick ? 180_000 : 300_000);
  const wallS = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);

  for (const [id, w] of wanted) {
    const d = cdrs.get(id)?.dialing;
    if (!d) {
      w.row.wrong.no_cdr = (w.row.wrong.no_cdr ?? 0) + 1;
      continue;
    }
    if (d.outcome === w.expect) w.row.ok++;
    else {
      const k = `${d.outcome}/${d.detail}`;
      if (!(k in w.row.wrong) && process.env.VG_BENCH_DETAIL)
        process.stderr.write(
          `${w.row.name}: ${k} ${JSON.stringify({ t: d.timings, steps: d.steps, digits: d.digits, heard: d.heard })}\n`,
        );
      w.row.wrong[k] = (w.row.wrong[k] ?? 0) + 1;
    }
    const t = d.timings;
    const media = Math.min(t.answeredMs ?? Infinity, t.earlyMediaMs ?? Infinity);
    if (t.lastDigitMs !== undefined && Number.isFinite(media)) w.row.toDigit.push(t.lastDigitMs - media);
    if (d.outcome === 'reached_extension' && t.connectedMs !== undefined) w.row.toReach.push(t.connectedMs);
    if (d.outcome === 'answered' && t.answeredMs !== undefined) w.row.toReach.push(t.answeredMs);
  }

  const total = rows.slice(1).reduce((n, r) => n + r.calls, 0);
  process.stdout.write(
    `\nbench:dialing — ${total} privacy-number calls + ${baselineCalls} baseline, 3 trunks at 3 calls/s each ` +
      `(max 40 at once), in-process platform; wall ${wallS.toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s ` +
      `(both sides), refused ${refused}\n\n`,
  );
  const head = [
    'scheme',
    'calls',
    'expected outcome',
    'media→last digit p50 / p95 (s)',
    'to reached p50 / p95 (s)',
    'other outcomes',
  ];
  const lines = rows.map((r, i) => [
    r.name,
    String(r.calls),
    `${i === 0 ? 'answered' : (mix[i - 1]?.expect ?? '')} ${((100 * r.ok) / r.calls).toFixed(0)} %`,
    r.toDigit.length ? `${sec(pct(r.toDigit, 50))} / ${sec(pct(r.toDigit, 95))}` : '—',
    r.toReach.length ? `${sec(pct(r.toReach, 50))} / ${sec(pct(r.toReach, 95))}` : '—',
    Object.entries(r.wrong)
      .map(([k, v]) => `${k}×${v}`)
      .join(', ') || '—',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const fmt = (cells: string[]): string =>
    `| ${cells.map((x, c) => (c === 0 || c === 5 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join(' | ')} |`;
  process.stdout.write(
    `${fmt(head)}\n|${widths.map((w, c) => (c === 0 || c === 5 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|\n`,
  );
  for (const l of lines) process.stdout.write(`${fmt(l)}\n`);
  process.stdout.write(
    '\n(media = the 200 OK, or the 183 for the early-media scheme; "to reached" counts from the INVITE; the ' +
      'platform prompt is 5.35 s and the ringback 7 s (two cadences), so ~14 s is the floor of a reached call.)\n',
  );

  await dialer.stop(2000);
  await platform.stop(2000);
  await dialerStack.stop();
  await platformStack.stop();
  frameClock.stop();
  rmSync(audio.dir, { recursive: true, force: true });
  rmSync(prof.dir, { recursive: true, force: true });
}

/** Resolves once every wanted dial has a CDR, or after `ms` (what is missing is reported). */
async function waitAll(wanted: Map<string, unknown>, cdrs: Map<string, Cdr>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && [...wanted.keys()].some((id) => !cdrs.has(id)))
    await new Promise((r) => setTimeout(r, 200));
}

main().catch((err: Error) => {
  process.stderr.write(`bench:dialing failed: ${err.stack}\n`);
  process.exit(1);
});
