/**
 * Helpers for the MRCP tests over real sockets: our server and our client on loopback with
 * ephemeral SIP and TCP ports, each side with its own RTP port range, and a counting clock so a
 * test can assert that no timer is left behind.
 */
import {
  createTestRecognizer,
  createToneSynthesizer,
  createWavRecorder,
  EngineRegistry,
  MrcpClient,
  MrcpServer,
  mrcpServerSipOptions,
  type MrcpClientOptions,
  type MrcpEngine,
  type MrcpServerEntry,
  type MrcpServerOptions,
} from '../../../src/mrcp/index.js';
import { PortPool, type Clock as RtpClock } from '../../../src/rtp/index.js';

/** A real-time clock that counts its live timers (set and not yet fired or cleared). */
export class CountingClock {
  private readonly live = new Set<NodeJS.Timeout>();
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): NodeJS.Timeout {
    const h = setTimeout(() => {
      this.live.delete(h);
      fn();
    }, ms);
    this.live.add(h);
    return h;
  }
  clearTimeout(h: unknown): void {
    clearTimeout(h as NodeJS.Timeout);
    this.live.delete(h as NodeJS.Timeout);
  }
  get pending(): number {
    return this.live.size;
  }
  /** The same clock typed for the RTP layer (its handle type is nominal). */
  get rtp(): RtpClock {
    return this as unknown as RtpClock;
  }
}

export interface PairOptions {
  rtpBase: number;
  engines?: MrcpEngine[];
  server?: Partial<Omit<MrcpServerOptions, 'sip' | 'rtp' | 'engines' | 'mrcp'>> & {
    mrcp?: Partial<MrcpServerOptions['mrcp']>;
    sip?: Partial<MrcpServerOptions['sip']>;
  };
  client?: Partial<Omit<MrcpClientOptions, 'pools' | 'sip' | 'rtp'>> & {
    sip?: Partial<MrcpClientOptions['sip']>;
  };
  entry?: Partial<MrcpServerEntry>;
  /** Entry fields known only once the server runs (its TCP SIP port). */
  lateEntry?: (server: MrcpServer) => Partial<MrcpServerEntry>;
  /** Extra servers put before ours in the pool (failover tests). */
  before?: MrcpServerEntry[];
  clock?: CountingClock;
  recordDir?: string;
}

export interface Pair {
  server: MrcpServer;
  client: MrcpClient;
  serverPool: PortPool;
  clientPool: PortPool;
  clock: CountingClock;
  close(): Promise<void>;
}

export function defaultEngines(recordDir?: string): MrcpEngine[] {
  return [
    createToneSynthesizer({ msPerChar: 20, minMs: 200 }),
    createTestRecognizer(),
    createWavRecorder({ dir: recordDir ?? '/tmp' }),
  ];
}

export async function startPair(o: PairOptions): Promise<Pair> {
  const clock = o.clock ?? new CountingClock();
  const serverPool = new PortPool({ min: o.rtpBase, max: o.rtpBase + 399 });
  const clientPool = new PortPool({ min: o.rtpBase + 400, max: o.rtpBase + 799 });
  const server = new MrcpServer({
    ...o.server,
    sip: {
      ...mrcpServerSipOptions({ host: '127.0.0.1', port: 0, protocols: ['udp'] }),
      clock,
      ...o.server?.sip,
    },
    mrcp: { host: '127.0.0.1', port: 0, ...o.server?.mrcp },
    rtp: { pool: serverPool, host: '127.0.0.1', clock: clock.rtp },
    engines: new EngineRegistry(o.engines ?? defaultEngines(o.recordDir)),
    clock,
  });
  await server.start();
  const ours: MrcpServerEntry = {
    name: 'ours',
    sip: `127.0.0.1:${server.sipPort('UDP')}`,
    ...o.entry,
    ...o.lateEntry?.(server),
  };
  const client = new MrcpClient({
    ...o.client,
    pools: [{ name: 'default', servers: [...(o.before ?? []), ours] }],
    sip: { host: '127.0.0.1', port: 0, protocols: ['udp'], extra: { clock }, ...o.client?.sip },
    rtp: { pool: clientPool, host: '127.0.0.1', clock: clock.rtp },
    clock,
  });
  await client.start();
  return {
    server,
    client,
    serverPool,
    clientPool,
    clock,
    async close() {
      await client.stop();
      await server.stop();
    },
  };
}

/** Waits until `cond()` holds, polling every 5 ms, or throws after `ms`. */
export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Whether a received frame carries audio (frames arrive every 20 ms, silence included). */
export function audible(f: Int16Array): boolean {
  for (const v of f) if (v > 64 || v < -64) return true;
  return false;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A 20 ms frame of a 300 Hz tone (speech for the energy VAD). */
export function toneFrame(samples = 160, amplitude = 8000): Int16Array {
  const f = new Int16Array(samples);
  for (let i = 0; i < samples; i++)
    f[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 300 * i) / (samples * 50)));
  return f;
}

/** Feeds `frames` caller frames, one per 20 ms. */
export async function feed(send: (f: Int16Array) => void, frame: Int16Array, frames: number): Promise<void> {
  for (let i = 0; i < frames; i++) {
    send(frame);
    await sleep(20);
  }
}
