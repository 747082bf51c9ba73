/**
 * A dialing voicegate in a test: SipStack on loopback UDP (port 0) with one trunk `carrier`
 * towards a SIPp platform, a CallManager with the dialing profiles, and what it reports (CDRs,
 * plan results, events). SIPp runs as the platform (UAS) in a working directory holding the
 * scenario's pcaps: bounded call count and global timeout, errors traced, killed by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CallManager,
  type AppSpec,
  type CallLogger,
  type CallSpeechOptions,
  type Cdr,
  type DialerOptions,
  type ManagerEvent,
} from '../../src/call/index.js';
import { loadProfiles, type DialResult, type DialingProfiles } from '../../src/dialing/index.js';
import { FrameClock } from '../../src/media/index.js';
import { PortPool, newDropCounters } from '../../src/rtp/index.js';
import { SipStack, type TrunkConfig } from '../../src/sip/index.js';
import { PROMPTS, quiet } from './harness.js';
import { freeUdpPort, SCENARIOS } from './sipp.js';

export const SHIPPED_PROFILES = fileURLToPath(new URL('../../../profiles/dialing/', import.meta.url));

/** A copy of the shipped profiles plus extra YAML documents (test trunks and plans). */
export function profilesWith(extra: Record<string, string>): { dir: string; profiles: DialingProfiles } {
  const dir = mkdtempSync(join(tmpdir(), 'vg-profiles-'));
  cpSync(SHIPPED_PROFILES, dir, { recursive: true });
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return { dir, profiles: loadProfiles(dir) };
}

export interface DialGateOptions {
  /** SIPp's SIP port on 127.0.0.1. */
  peerPort: number;
  profiles: DialingProfiles;
  /** Carrier profile of the `carrier` trunk. */
  trunkProfile?: string;
  dialing?: Partial<DialerOptions>;
  apps?: AppSpec[];
  pool?: PortPool;
  frameClock?: FrameClock;
  logger?: CallLogger;
  /** Speech for the calls (an MRCP client): keyword prompt detection. */
  speech?: CallSpeechOptions;
}

/** `VG_DEBUG=1` prints every log line of the dialing gates (to debug a scenario by hand). */
const debugLogger: CallLogger | undefined = process.env.VG_DEBUG
  ? {
      debug: (m, x) => console.log('D', m, JSON.stringify(x)),
      info: (m, x) => console.log('I', m, JSON.stringify(x)),
      warn: (m, x) => console.log('W', m, JSON.stringify(x)),
      error: (m, x) => console.log('E', m, JSON.stringify(x)),
    }
  : undefined;

export class DialGate {
  readonly stack: SipStack;
  readonly manager: CallManager;
  readonly cdrs: Cdr[] = [];
  readonly results: DialResult[] = [];
  readonly events: ManagerEvent[] = [];
  readonly pool: PortPool;
  private readonly ownClock: FrameClock | undefined;

  constructor(o: DialGateOptions) {
    const trunk: TrunkConfig = {
      name: 'carrier',
      peers: [`127.0.0.1:${o.peerPort}`],
      transport: 'udp',
      acl: ['127.0.0.0/8'],
    };
    this.stack = new SipStack({
      listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      trunks: [trunk],
      sessionTimer: { enabled: false },
      logger: quiet,
    });
    this.pool = o.pool ?? randomPool();
    this.ownClock = o.frameClock ? undefined : new FrameClock();
    this.manager = new CallManager({
      stack: this.stack,
      frameClock: o.frameClock ?? this.ownClock!,
      rtp: { pool: this.pool, host: '127.0.0.1', counters: newDropCounters() },
      apps: o.apps ?? [],
      routes: [],
      promptsDir: PROMPTS,
      recordingsDir: tmpdir(),
      logger: o.logger ?? debugLogger ?? quiet,
      onCdr: (c) => this.cdrs.push(c),
      ...(o.speech ? { speech: o.speech } : {}),
      dialing: {
        profiles: o.profiles,
        ...(o.trunkProfile ? { trunkProfiles: { carrier: o.trunkProfile } } : {}),
        onResult: (r) => this.results.push(r),
        ...o.dialing,
      },
    });
    this.manager.subscribe((e) => this.events.push(e));
  }

  async start(): Promise<this> {
    await this.stack.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.manager.stop(500);
    await this.stack.stop();
    this.ownClock?.stop();
  }

  cdrOf(dialId: string): Cdr | undefined {
    return this.cdrs.find((c) => c.dialing?.id === dialId);
  }
}

export function randomPool(pairs = 40): PortPool {
  const min = 30000 + 2 * Math.floor(Math.random() * 4500);
  return new PortPool({ min, max: min + 2 * pairs - 1 });
}

export interface UasRun {
  code: number | null;
  errors: string;
  stderr: string;
  port: number;
}

export interface UasProcess {
  port: number;
  child: ChildProcess;
  done: Promise<UasRun>;
}

/** Starts SIPp as the platform: `scenario` from sipp-scenarios/, pcaps in `cwd`. */
export async function startPlatform(o: {
  scenario: string;
  cwd: string;
  calls?: number;
  timeoutSeconds?: number;
  /** Most calls SIPp keeps at once (default: no limit). */
  limit?: number;
}): Promise<UasProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vg-sipp-uas-'));
  const port = await freeUdpPort();
  const args = [
    '-sf',
    join(SCENARIOS, o.scenario),
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '-mp',
    String(await freeUdpPort()),
    '-cp',
    String(await freeUdpPort()),
    '-m',
    String(o.calls ?? 1),
    '-timeout',
    `${o.timeoutSeconds ?? 60}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_err',
    '-error_file',
    join(dir, 'errors.log'),
    ...(o.limit !== undefined ? ['-l', String(o.limit)] : []),
  ];
  const child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: o.cwd });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 20_000) stderr += d.toString();
  });
  const done = new Promise<UasRun>((resolve) =>
    child.on('exit', (code) => {
      const f = join(dir, 'errors.log');
      const errors = existsSync(f) ? readFileSync(f, 'utf8').slice(0, 20_000) : '';
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, errors, stderr, port });
    }),
  );
  // SIPp binds its socket before reading the scenario's first message: give it a moment.
  await new Promise((r) => setTimeout(r, 300));
  return { port, child, done };
}

export function killPlatform(p: UasProcess): void {
  if (p.child.exitCode === null && p.child.pid !== undefined) p.child.kill('SIGKILL');
}
