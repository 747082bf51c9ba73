/**
 * The system under test, in its own process: `relay` is the baseline (one dgram socket per
 * stream echoing each datagram back on arrival, nothing else); `echo` runs voicegate's media
 * stream per call (jitter buffer, A-law decode, frame clock, A-law encode, RtpSession send);
 * `bridge` runs two media streams per call joined by a MediaBridge (each direction decoded and
 * re-encoded: the transcoding path).
 */
import { createSocket, type Socket } from 'node:dgram';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { FrameClock, FrameQueueSource, MediaBridge, MediaStream } from '../../src/media/index.js';
import { PortPool } from '../../src/rtp/index.js';
import type { NegotiatedAudio } from '../../src/sdp/index.js';
import type { FromServer, ServerMode, ToServer } from './protocol.js';

let gcs = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
let skipped0 = 0;
new PerformanceObserver((l) => (gcs += l.getEntries().length)).observe({ entryTypes: ['gc'] });

const send = (m: FromServer): void => void process.send?.(m);
const relaySockets: Socket[] = [];
const streams: MediaStream[] = [];
const frameClock = new FrameClock();
let packetsIn = 0;
let packetsOut = 0;
let cpu0 = process.cpuUsage();
let t0 = 0;
let gc0 = 0;
let io0: Counts = { in: 0, out: 0, jbDropped: 0, jbLate: 0, jbUnderruns: 0, concealedMs: 0 };

function audio(remotePort: number): NegotiatedAudio {
  return {
    index: 0,
    mid: undefined,
    codec: { id: 'PCMA', name: 'PCMA', sendPt: 8, recvPt: 8, clockRate: 8000, sampleRate: 8000 },
    telephoneEvent: { sendPt: 101, recvPt: 101, clockRate: 8000, events: [] },
    sendPtime: 20,
    recvPtime: 20,
    direction: 'sendrecv',
    remoteDirection: 'sendrecv',
    send: true,
    recv: true,
    remoteHold: false,
    localHold: false,
    remote: {
      family: 'IP4',
      address: '127.0.0.1',
      port: remotePort,
      rtcpAddress: '127.0.0.1',
      rtcpPort: remotePort + 1,
      rtcpMux: false,
    },
  };
}

function memory(): { rss: number; heap: number; external: number } {
  global.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external };
}

async function setup(mode: ServerMode, remotes: number[], portBase: number): Promise<number[]> {
  const ports: number[] = [];
  if (mode === 'relay') {
    for (let i = 0; i < remotes.length; i++) {
      const s = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
      await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
      s.on('message', (msg, rinfo) => {
        packetsIn++;
        s.send(msg, rinfo.port, rinfo.address);
        packetsOut++;
      });
      relaySockets.push(s);
      ports.push(s.address().port);
    }
    return ports;
  }
  const pool = new PortPool({ min: portBase, max: portBase + 4 * remotes.length + 400 });
  for (let i = 0; i < remotes.length; i++) {
    const r = await MediaStream.open({
      rtp: {
        pool,
        host: '127.0.0.1',
        rtcp: { enabled: false },
        inactivityTimeoutMs: 0,
        maxPacketsPerSecond: 1000,
      },
      frameClock,
      inbandDetect: 'off',
    });
    if (!r.ok) throw new Error(r.message);
    streams.push(r.stream);
    r.stream.configure(audio(remotes[i] as number));
    ports.push(r.stream.port);
  }
  if (mode === 'echo') {
    for (const s of streams) {
      const q = new FrameQueueSource(8000, 3);
      s.addTap({ frame: (rx) => q.push(rx) });
      s.play(q);
    }
  } else {
    for (let i = 0; i + 1 < streams.length; i += 2) new MediaBridge(streams[i]!, streams[i + 1]!);
  }
  return ports;
}

interface Counts {
  in: number;
  out: number;
  jbDropped: number;
  jbLate: number;
  jbUnderruns: number;
  concealedMs: number;
}

function rtpCounts(): Counts {
  const c: Counts = {
    in: packetsIn,
    out: packetsOut,
    jbDropped: 0,
    jbLate: 0,
    jbUnderruns: 0,
    concealedMs: 0,
  };
  if (streams.length === 0) return c;
  c.in = 0;
  c.out = 0;
  for (const s of streams) {
    const ms = s.stats();
    const st = ms.rtp;
    c.in += st.received.packets;
    c.out += st.sent.packets;
    c.jbDropped += st.jitterBuffer?.dropped ?? 0;
    c.jbLate += st.jitterBuffer?.late ?? 0;
    c.jbUnderruns += st.jitterBuffer?.underruns ?? 0;
    c.concealedMs += ms.concealedMs;
  }
  return c;
}

process.on('message', (m: ToServer) => {
  void (async () => {
    if (m.type === 'setup') {
      const baseline = memory();
      const ports = await setup(m.mode, m.remotes, m.portBase);
      send({ type: 'ready', ports, memory: memory(), baseline });
    } else if (m.type === 'window-start') {
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      gc0 = gcs;
      frameClock.stats.maxLateMs = 0;
      skipped0 = frameClock.stats.skippedTicks;
      loopDelay.reset();
      io0 = rtpCounts();
      send({ type: 'window-started' });
    } else if (m.type === 'window-end') {
      const c = process.cpuUsage(cpu0);
      const io = rtpCounts();
      send({
        type: 'window',
        cpuMs: (c.user + c.system) / 1000,
        wallMs: performance.now() - t0,
        gcs: gcs - gc0,
        packetsIn: io.in - io0.in,
        packetsOut: io.out - io0.out,
        maxLateMs: frameClock.stats.maxLateMs,
        skippedTicks: frameClock.stats.skippedTicks - skipped0,
        loopDelayMaxMs: loopDelay.max / 1e6,
        errors: frameClock.stats.subscriberErrors,
        jitterBuffer: {
          dropped: io.jbDropped - io0.jbDropped,
          late: io.jbLate - io0.jbLate,
          underruns: io.jbUnderruns - io0.jbUnderruns,
          concealedMs: io.concealedMs - io0.concealedMs,
        },
        ticks: frameClock.stats.ticks,
      });
    } else if (m.type === 'exit') {
      for (const s of relaySockets) s.close();
      await Promise.all(streams.map((s) => s.close()));
      process.exit(0);
    }
  })();
});
