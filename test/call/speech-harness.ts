/**
 * A voicegate with speech for the end-to-end tests: the trunk SIP stack and CallManager (as the
 * call harness), the MRCP client, and the built-in MRCP server with the built-in engines
 * (espeak-ng, PocketSphinx, DTMF) in the same process — or a pool pointing anywhere (a server in
 * a child process a test can kill). One frame clock and one counting clock for everything, so a
 * test can count sessions, channels, RTP ports and timers back to zero.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CallManager,
  type AppSpec,
  type Call,
  type CallLogger,
  type CallManagerOptions,
  type Cdr,
  type RouteSpec,
  type StepRecord,
} from '../../src/call/index.js';
import { FrameClock } from '../../src/media/index.js';
import {
  createBuiltinEngines,
  createWavRecorder,
  EngineRegistry,
  MrcpClient,
  MrcpServer,
  mrcpServerSipOptions,
  type ClientTimeouts,
  type MrcpEngine,
  type MrcpPoolEntry,
} from '../../src/mrcp/index.js';
import { newDropCounters, PortPool } from '../../src/rtp/index.js';
import { SipStack } from '../../src/sip/index.js';
import { CountingClock } from '../mrcp/net/net-helpers.js';
import { PROMPTS, quiet as silent } from './harness.js';

/** VG_SPEECH_LOG=1 prints the layers' warnings and errors (debugging a failing test). */
const quiet = process.env.VG_SPEECH_LOG
  ? {
      ...silent,
      warn: (m: string, meta?: Record<string, unknown>) =>
        console.log('warn', m, JSON.stringify(meta ?? {}).slice(0, 300)),
      error: (m: string, meta?: Record<string, unknown>) =>
        console.log('error', m, JSON.stringify(meta ?? {}).slice(0, 300)),
      info: (m: string, meta?: Record<string, unknown>) =>
        process.env.VG_SPEECH_LOG === 'info' &&
        console.log('info', m, JSON.stringify(meta ?? {}).slice(0, 300)),
    }
  : silent;

export interface SpeechGateOptions {
  apps: AppSpec[];
  routes?: RouteSpec[];
  /** Engines of the in-process server (default: the built-in set, espeak-ng + PocketSphinx). */
  engines?: MrcpEngine[];
  /** Instead of an in-process server: these pools (e.g. a server in a child process). */
  pools?: MrcpPoolEntry[];
  timeouts?: Partial<ClientTimeouts>;
  /** RTP port range start (400 ports: calls, client, server). */
  rtpBase?: number;
  logger?: CallLogger;
  localBargeIn?: boolean;
  /** The calls' PCM rate (default 8000; 16000 makes CallSpeech resample to the session's 8 kHz). */
  rate?: 8000 | 16000;
  /** The body of verbs applications (VerbsApps.appBody). */
  appBody?: CallManagerOptions['appBody'];
}

/**
 * The MRCP SIP user agents run with T1 = 10 ms (loopback), so the transactions RFC 3261 keeps
 * after a dialog ends (64 × T1) are gone within a test and the counted timers reach zero.
 */
const SHORT_SIP_TIMERS = { T1: 10, T2: 40, T4: 50 };

let builtin: Promise<MrcpEngine[]> | undefined;
/** The built-in engines, made once per test process (they probe espeak-ng and PocketSphinx). */
export function builtinEngines(): Promise<MrcpEngine[]> {
  builtin ??= createBuiltinEngines({ logger: quiet });
  return builtin;
}

export class SpeechGate {
  readonly clock = new CountingClock();
  readonly frameClock = new FrameClock();
  readonly cdrs: Cdr[] = [];
  /** Every call the manager took, in order (their step records carry the payloads). */
  readonly calls: Call[] = [];
  readonly callPool: PortPool;
  readonly mrcpPool: PortPool;
  readonly stack: SipStack;
  manager!: CallManager;
  server: MrcpServer | undefined;
  client!: MrcpClient;
  private readonly recordings = mkdtempSync(join(tmpdir(), 'vg-speech-rec-'));

  constructor(private readonly o: SpeechGateOptions) {
    const base = o.rtpBase ?? 42000 + 2 * Math.floor(Math.random() * 5000);
    this.callPool = new PortPool({ min: base, max: base + 99 });
    this.mrcpPool = new PortPool({ min: base + 100, max: base + 399 });
    this.stack = new SipStack({
      listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      trunks: [{ name: 'carrier', peers: ['127.0.0.1:9'], transport: 'udp', acl: ['127.0.0.0/8'] }],
      sessionTimer: { enabled: false },
      logger: quiet,
    });
  }

  get port(): number {
    return this.stack.transport.transports[0]!.local.port;
  }

  async start(): Promise<this> {
    const o = this.o;
    let pools = o.pools;
    if (!pools) {
      const engines = o.engines ?? [...(await builtinEngines()), createWavRecorder({ dir: this.recordings })];
      this.server = new MrcpServer({
        sip: {
          ...mrcpServerSipOptions({ host: '127.0.0.1', port: 0, protocols: ['udp'] }),
          clock: this.clock,
          timers: SHORT_SIP_TIMERS,
        },
        mrcp: { host: '127.0.0.1', port: 0, idleTimeoutMs: 200 },
        rtp: { pool: this.mrcpPool, host: '127.0.0.1', clock: this.clock.rtp },
        engines: new EngineRegistry(engines),
        channel: { localBargeIn: o.localBargeIn ?? true },
        frameClock: this.frameClock,
        clock: this.clock,
        logger: quiet,
      });
      await this.server.start();
      pools = [
        { name: 'builtin', servers: [{ name: 'local', sip: `127.0.0.1:${this.server.sipPort('UDP')}` }] },
      ];
    }
    this.client = new MrcpClient({
      pools,
      sip: {
        host: '127.0.0.1',
        port: 0,
        protocols: ['udp'],
        extra: { clock: this.clock, timers: SHORT_SIP_TIMERS },
      },
      rtp: { pool: this.mrcpPool, host: '127.0.0.1', clock: this.clock.rtp },
      ...(o.timeouts ? { timeouts: o.timeouts } : {}),
      limits: { connectionLingerMs: 0 },
      frameClock: this.frameClock,
      clock: this.clock,
      logger: quiet,
    });
    await this.client.start();
    this.manager = new CallManager({
      stack: this.stack,
      frameClock: this.frameClock,
      rtp: { pool: this.callPool, host: '127.0.0.1', counters: newDropCounters(), clock: this.clock.rtp },
      apps: o.apps,
      ...(o.rate ? { rate: o.rate } : {}),
      routes: o.routes ?? [{ app: o.apps[0]!.name }],
      promptsDir: PROMPTS,
      recordingsDir: this.recordings,
      clock: this.clock.rtp,
      logger: o.logger ?? quiet,
      onCdr: (c) => this.cdrs.push(c),
      speech: { provider: this.client },
      ...(o.appBody ? { appBody: o.appBody } : {}),
    });
    // Test-only: remember every call (their executor records hold the step payloads).
    const calls = this.manager.calls;
    const set = calls.set.bind(calls);
    calls.set = (k: string, v: Call) => {
      this.calls.push(v);
      return set(k, v);
    };
    await this.stack.start();
    return this;
  }

  /** The records of the last call's steps. */
  get lastSteps(): StepRecord[] {
    return this.calls[this.calls.length - 1]?.executor.records ?? [];
  }

  /** What is still held: sessions and channels on both sides, RTP ports, timers. */
  leaks(): Record<string, number> {
    return {
      clientSessions: this.client.sessionCount,
      clientChannels: this.client.counters.channelsActive,
      serverSessions: this.server?.sessionCount ?? 0,
      serverChannels: this.server?.counters.channelsActive ?? 0,
      calls: this.manager.calls.size,
      callPorts: this.callPool.capacity - this.callPool.available,
      mrcpPorts: this.mrcpPool.capacity - this.mrcpPool.available,
      frameClockSubscribers: this.frameClock.size,
      timers: this.clock.pending,
    };
  }

  async stop(): Promise<void> {
    await this.manager.stop(500);
    await this.client.stop();
    await this.server?.stop();
    await this.stack.stop();
    this.frameClock.stop();
    rmSync(this.recordings, { recursive: true, force: true });
  }
}

const gates: SpeechGate[] = [];
export async function speechGate(o: SpeechGateOptions): Promise<SpeechGate> {
  const g = await new SpeechGate(o).start();
  gates.push(g);
  return g;
}
export async function stopSpeechGates(): Promise<void> {
  await Promise.all(gates.splice(0).map((g) => g.stop().catch(() => undefined)));
}
