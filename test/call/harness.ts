/**
 * A voicegate in a test: SipStack on loopback UDP (port 0) with a trunk accepting 127.0.0.0/8,
 * a CallManager running the given applications, CDRs collected. Two of them can call each other.
 */
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CallManager,
  type AppSpec,
  type CallLogger,
  type Cdr,
  type RouteSpec,
  type TrunkMedia,
} from '../../src/call/index.js';
import { FrameClock } from '../../src/media/index.js';
import { PortPool, newDropCounters, type RtpSessionOptions } from '../../src/rtp/index.js';
import { SipStack, type TrunkConfig } from '../../src/sip/index.js';

export const PROMPTS = fileURLToPath(new URL('../../../prompts/', import.meta.url));

export function randomPool(pairs = 40): PortPool {
  const min = 41000 + 2 * Math.floor(Math.random() * 4000);
  return new PortPool({ min, max: min + 2 * pairs - 1 });
}

export interface GateOptions {
  apps?: AppSpec[];
  routes?: RouteSpec[];
  /** Where this gate's trunk "carrier" sends requests: a port on 127.0.0.1 (default 9: nobody). */
  peerPort?: number;
  media?: Partial<TrunkMedia>;
  rtp?: Partial<RtpSessionOptions>;
  pool?: PortPool;
  frameClock?: FrameClock;
  maxCalls?: number;
  inbandDetect?: 'auto' | 'on' | 'off';
  logger?: CallLogger;
}

const noop = (): void => undefined;
export const quiet = { debug: noop, info: noop, warn: noop, error: noop };

export class Gate {
  readonly stack: SipStack;
  readonly manager: CallManager;
  readonly cdrs: Cdr[] = [];
  readonly recordings: string;
  readonly frameClock: FrameClock;
  readonly counters = newDropCounters();

  constructor(o: GateOptions = {}) {
    const trunk: TrunkConfig = {
      name: 'carrier',
      peers: [`127.0.0.1:${o.peerPort ?? 9}`],
      transport: 'udp',
      acl: ['127.0.0.0/8'],
    };
    this.stack = new SipStack({
      listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      trunks: [trunk],
      sessionTimer: { enabled: false },
      logger: quiet,
    });
    this.frameClock = o.frameClock ?? new FrameClock();
    this.recordings = mkdtempSync(join(tmpdir(), 'vg-rec-'));
    this.manager = new CallManager({
      stack: this.stack,
      frameClock: this.frameClock,
      rtp: {
        pool: o.pool ?? randomPool(),
        host: '127.0.0.1',
        counters: this.counters,
        rtcp: { enabled: true, reducedMinimum: true },
        ...o.rtp,
      },
      defaultMedia: o.media ?? {},
      apps: o.apps ?? [],
      routes: o.routes ?? (o.apps?.[0] ? [{ app: o.apps[0].name }] : []),
      promptsDir: PROMPTS,
      recordingsDir: this.recordings,
      ...(o.maxCalls !== undefined ? { maxCalls: o.maxCalls } : {}),
      ...(o.inbandDetect ? { inbandDetect: o.inbandDetect } : {}),
      logger: o.logger ?? quiet,
      onCdr: (c) => this.cdrs.push(c),
    });
  }

  get port(): number {
    return this.stack.transport.transports[0]!.local.port;
  }

  async start(): Promise<this> {
    await this.stack.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.manager.stop(500);
    await this.stack.stop();
    rmSync(this.recordings, { recursive: true, force: true });
  }
}

const gates: Gate[] = [];
export async function gate(o: GateOptions = {}): Promise<Gate> {
  const g = await new Gate(o).start();
  gates.push(g);
  return g;
}
export async function stopGates(): Promise<void> {
  await Promise.all(gates.splice(0).map((g) => g.stop().catch(() => undefined)));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** An application from a list of steps, with the usual defaults filled in. */
export function app(name: string, steps: AppSpec['steps'], maxDurationMs = 60_000): AppSpec {
  return { name, steps, maxDurationMs };
}

export const collect = (o: Partial<Extract<AppSpec['steps'][number], { type: 'collectDigits' }>> = {}) =>
  ({
    type: 'collectDigits',
    maxDigits: 8,
    terminator: '#',
    firstDigitTimeoutMs: 3000,
    interDigitTimeoutMs: 2000,
    into: 'digits',
    ...o,
  }) as const;
