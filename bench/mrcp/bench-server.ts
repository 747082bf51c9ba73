/**
 * The server side of bench:mrcp sessions, in its own process so its CPU and memory are measured
 * alone. Driven over IPC by sessions-bench.ts:
 * - `mrcp`: our MRCP server (test engines) on ephemeral ports;
 * - `media`: the baseline — bare media streams doing the same audio work (a tone out, the energy of
 *   every received frame computed), without SIP, MRCP or engines.
 * Commands: start, media-open (ports in → ports out), media-close, measure-start, measure-end.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  createTestRecognizer,
  createToneSynthesizer,
  createWavRecorder,
  EngineRegistry,
  frameDbfs,
  MrcpServer,
  mrcpServerSipOptions,
} from '../../src/mrcp/index.js';
import { FrameClock, MediaStream, type AudioSource } from '../../src/media/index.js';
import { PortPool } from '../../src/rtp/index.js';
import { negotiated } from './negotiated.js';

type Cmd =
  | { cmd: 'start'; mode: 'mrcp' | 'media' }
  | { cmd: 'media-open'; ports: number[] }
  | { cmd: 'media-close' }
  | { cmd: 'measure-start' }
  | { cmd: 'measure-end' }
  | { cmd: 'exit' };

const send = (m: unknown): void => void process.send?.(m);
const frameClock = new FrameClock();
const pool = new PortPool({ min: 30000, max: 39999 });
let server: MrcpServer | undefined;
const streams: MediaStream[] = [];
const loop = monitorEventLoopDelay({ resolution: 5 });
let cpu0 = process.cpuUsage();
let t0 = performance.now();
let energy = 0;

class ToneSource implements AudioSource {
  readonly rate = 8000;
  readonly done = false;
  private n = 0;
  read(frame: Int16Array): number {
    for (let i = 0; i < frame.length; i++)
      frame[i] = Math.round(9800 * Math.sin((2 * Math.PI * 440 * this.n++) / 8000));
    return frame.length;
  }
}

function gcHeap(): number {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
  return process.memoryUsage().heapUsed;
}

process.on('message', (m: Cmd) => {
  void (async () => {
    switch (m.cmd) {
      case 'start':
        if (m.mode === 'mrcp') {
          server = new MrcpServer({
            sip: mrcpServerSipOptions({ host: '127.0.0.1', port: 0, protocols: ['udp'] }),
            mrcp: { host: '127.0.0.1', port: 0 },
            rtp: { pool, host: '127.0.0.1' },
            engines: new EngineRegistry([
              createToneSynthesizer({ msPerChar: 50, maxMs: 60_000 }),
              createTestRecognizer(),
              createWavRecorder({ dir: '/tmp' }),
            ]),
            maxSessions: 5000,
            frameClock,
          });
          await server.start();
          send({ ok: 'started', sipPort: server.sipPort('UDP'), heap: gcHeap() });
        } else send({ ok: 'started', heap: gcHeap() });
        return;
      case 'media-open': {
        const ports: number[] = [];
        for (const remote of m.ports) {
          const r = await MediaStream.open({ rtp: { pool, host: '127.0.0.1' }, frameClock, rate: 8000 });
          if (!r.ok) throw new Error(r.message);
          r.stream.events.onFrame = (f) => void (energy += frameDbfs(f));
          r.stream.configure(negotiated(remote));
          r.stream.play(new ToneSource());
          streams.push(r.stream);
          ports.push(r.stream.port);
        }
        send({ ok: 'media-open', ports });
        return;
      }
      case 'media-close':
        await Promise.all(streams.splice(0).map((s) => s.close()));
        send({ ok: 'media-close' });
        return;
      case 'measure-start':
        gcHeap();
        loop.reset();
        loop.enable();
        cpu0 = process.cpuUsage();
        t0 = performance.now();
        send({ ok: 'measure-start', heap: gcHeap() });
        return;
      case 'measure-end': {
        const cpu = process.cpuUsage(cpu0);
        const wall = performance.now() - t0;
        loop.disable();
        send({
          ok: 'measure-end',
          cpu: (cpu.user + cpu.system) / 1000 / wall,
          loopP99: loop.percentile(99) / 1e6,
          heap: gcHeap(),
          sessions: server?.sessionCount ?? streams.length,
          ticks: frameClock.stats,
          energy,
        });
        return;
      }
      case 'exit':
        await server?.stop();
        process.exit(0);
    }
  })().catch((err: unknown) => {
    send({ error: String(err) });
    process.exit(1);
  });
});
send({ ok: 'ready' });
