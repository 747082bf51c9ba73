/**
 * A bounded RTP load generator in its own process: one socket per stream, a 172-byte PCMA packet
 * every 20 ms per stream (sends spread evenly over the period), each payload marked with the
 * packet's number and socket; what comes back is matched by that mark (A-law survives decode and
 * re-encode bit for bit), giving loss and the delay each packet took. "Added jitter" is a
 * packet's delay minus the smallest delay seen on its stream.
 */
import { createSocket, type Socket } from 'node:dgram';
import { FILL, PAYLOAD_BYTES, type FromGenerator, type ToGenerator } from './protocol.js';

const send = (m: FromGenerator): void => void process.send?.(m);
const sockets: Socket[] = [];
/** Per socket: send time of each packet number, in a ring of 256. */
const sentAt: Float64Array[] = [];
const minDelay: number[] = [];
let targets: number[] = [];
/** Where a packet sent on socket i is expected back. */
let peerOf: number[] = [];
let seq: number[] = [];
let running = false;
let measuring = false;
let sentInWindow = 0;
let matched = 0;
let unmatched = 0;
let delays: number[] = [];
let lagMax = 0;
let cpu0 = process.cpuUsage();
const RING = 256;

function packet(i: number, n: number): Buffer {
  const b = bufs[i]![n & 3]!;
  b.writeUInt16BE(n & 0xffff, 2);
  b.writeUInt32BE((n * 160) >>> 0, 4);
  b.writeUInt32BE(0x10000 + i, 8);
  b.writeUInt32BE(n, 12);
  b.writeUInt16BE(i, 16);
  return b;
}

async function bind(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = createSocket({ type: 'udp4', recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const me = i;
    s.on('message', (msg) => onMessage(me, msg));
    sockets.push(s);
    sentAt.push(new Float64Array(RING).fill(-1));
    bufs.push(
      Array.from({ length: 4 }, () => {
        const b = Buffer.alloc(12 + PAYLOAD_BYTES, FILL);
        b[0] = 0x80;
        b[1] = 8;
        return b;
      }),
    );
    minDelay.push(Infinity);
    ports.push(s.address().port);
  }
  return ports;
}

function onMessage(at: number, msg: Buffer): void {
  if (msg.length < 12 + 6) return;
  const n = msg.readUInt32BE(12);
  const from = msg.readUInt16BE(16);
  if (from >= sockets.length || peerOf[from] !== at) {
    if (measuring) unmatched++;
    return;
  }
  const t = sentAt[from]![n % RING]!;
  if (t < 0) {
    if (measuring) unmatched++;
    return;
  }
  const d = performance.now() - t;
  sentAt[from]![n % RING] = -1;
  if (d < minDelay[from]!) minDelay[from] = d;
  if (t >= windowStart && t <= windowEnd) {
    matched++;
    delays.push(d - minDelay[from]!);
  }
}

let windowStart = Infinity;
let windowEnd = Infinity;
/** Per socket, a few packets reused in turn (a send holds its buffer until it has left). */
const bufs: Buffer[][] = [];

function start(pairs: 'echo' | 'bridge'): void {
  running = true;
  const count = sockets.length;
  peerOf = Array.from({ length: count }, (_, i) => (pairs === 'echo' ? i : i ^ 1));
  seq = new Array<number>(count).fill(0);
  // 20 slots of 1 ms: socket i sends in slot i % 20.
  const t0 = performance.now();
  let tick = 0;
  const step = (): void => {
    if (!running) return;
    const now = performance.now();
    const due = Math.floor((now - t0) / 1);
    if (now - (t0 + tick) > lagMax && measuring) lagMax = now - (t0 + tick);
    while (tick <= due) {
      const slot = tick % 20;
      for (let i = slot; i < count; i += 20) {
        const n = seq[i]!++;
        sentAt[i]![n % RING] = performance.now();
        sockets[i]!.send(packet(i, n), targets[i]!, '127.0.0.1');
        if (measuring) sentInWindow++;
      }
      tick++;
    }
    setTimeout(step, 1);
  };
  step();
}

process.on('message', (m: ToGenerator) => {
  void (async () => {
    if (m.type === 'bind') send({ type: 'bound', ports: await bind(m.sockets) });
    else if (m.type === 'start') {
      targets = m.targets;
      start(m.pairs);
    } else if (m.type === 'window-start') {
      measuring = true;
      windowStart = performance.now();
      windowEnd = Infinity;
      sentInWindow = 0;
      matched = 0;
      unmatched = 0;
      delays = [];
      lagMax = 0;
      cpu0 = process.cpuUsage();
    } else if (m.type === 'window-end') {
      // Stop counting sends, let the last packets come back, then report.
      const sent = sentInWindow;
      windowEnd = performance.now();
      measuring = false;
      const c = process.cpuUsage(cpu0);
      // Packets sent in the window may still be on their way back (jitter buffer, frame clock).
      await new Promise((r) => setTimeout(r, 400));
      delays.sort((a, b) => a - b);
      const q = (p: number): number =>
        delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] ?? NaN;
      send({
        type: 'window',
        sent,
        matched,
        unmatched,
        p50Ms: q(0.5),
        p99Ms: q(0.99),
        p999Ms: q(0.999),
        maxMs: delays[delays.length - 1] ?? NaN,
        sendLagMs: lagMax,
        cpuMs: (c.user + c.system) / 1000,
      });
    } else if (m.type === 'exit') {
      running = false;
      for (const s of sockets) s.close();
      process.exit(0);
    }
  })();
});
