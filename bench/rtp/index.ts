/**
 * bench:rtp — ns per operation and bytes allocated per operation of the RTP layer's hot paths,
 * each next to a baseline measured in the same run (naive Buffer code, and werift-rtp).
 *
 * Run: npm run bench:rtp   (node --expose-gc --max-semi-space-size=64 dist/bench/rtp/index.js)
 * Time: median of 5 rounds after warm-up. Allocation: heap growth over a round short enough that no
 * GC runs inside it (checked with a PerformanceObserver; a round with a GC is measured again).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { RtcpPacketConverter, RtpPacket as WeriftRtpPacket } from 'werift-rtp';
import {
  JitterBuffer,
  type RtcpPacket,
  RtpView,
  marshalRtcp,
  marshalRtp,
  parseRtcp,
  parseRtp,
  rtcpMarshalSize,
  writeRtpHeader,
} from '../../src/rtp/index.js';
import { NaiveJitterBuffer, naiveMarshal, naiveParse } from './naive.js';

const gc = (globalThis as { gc?: () => void }).gc;
let gcCount = 0;
new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

let sink = 0;

function nsPerOp(fn: (i: number) => void, ops: number): number {
  const times: number[] = [];
  for (let i = 0; i < ops; i++) fn(i);
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) fn(i);
    times.push(Number(process.hrtime.bigint() - t0) / ops);
  }
  times.sort((a, b) => a - b);
  return times[2] as number;
}

function used(): number {
  const m = process.memoryUsage();
  // Buffers live outside the JS heap: count both.
  return m.heapUsed + m.external;
}

async function rawBytes(fn: (i: number) => void, ops: number): Promise<number> {
  if (!gc) return NaN;
  for (let attempt = 0; attempt < 12; attempt++) {
    gc();
    // The observer reports the forced GC asynchronously: let it land before counting.
    await new Promise((r) => setTimeout(r, 20));
    const gcs = gcCount;
    const before = used();
    for (let i = 0; i < ops; i++) fn(i);
    const after = used();
    await new Promise((r) => setTimeout(r, 20));
    if (gcCount === gcs) return (after - before) / ops;
  }
  return NaN;
}

const nothing = (i: number): void => {
  sink += i & 1;
};

/** Minimum of three rounds (stray allocations of the runtime only ever add), less the empty loop. */
async function bytesPerOp(fn: (i: number) => void, ops: number): Promise<number> {
  const empty = Math.min(await rawBytes(nothing, ops), await rawBytes(nothing, ops));
  // A heavy allocator triggers GC within the round: measure it over fewer operations.
  for (let n = ops; n >= 10; n = Math.floor(n / 10)) {
    const rounds = [await rawBytes(fn, n), await rawBytes(fn, n), await rawBytes(fn, n)].filter(
      (x) => !Number.isNaN(x),
    );
    if (rounds.length > 0) return Math.max(0, Math.min(...rounds) - empty);
  }
  return NaN;
}

interface Row {
  op: string;
  ours: number;
  base: number;
  baseName: string;
  oursBytes: number;
  baseBytes: number;
}

const rows: Row[] = [];

async function compare(
  op: string,
  ours: (i: number) => void,
  baseName: string,
  base: (i: number) => void,
  ops = 200_000,
): Promise<void> {
  const o = nsPerOp(ours, ops);
  const b = nsPerOp(base, ops);
  const ob = await bytesPerOp(ours, 4_000);
  const bb = await bytesPerOp(base, 4_000);
  rows.push({ op, ours: o, base: b, baseName, oursBytes: ob, baseBytes: bb });
}

// A G.711 20 ms packet as it arrives: 12-byte header + 160 bytes.
const payload = Buffer.alloc(160, 0xd5);
const wire = Buffer.alloc(172);
marshalRtp(
  { marker: false, payloadType: 8, sequenceNumber: 1000, timestamp: 160_000, ssrc: 0x12345678, payload },
  wire,
);
const view = new RtpView();

// An SR with one report block + SDES CNAME, as a peer sends every few seconds.
const compound: RtcpPacket[] = [
  {
    type: 'sr',
    ssrc: 1,
    ntpSeconds: 3_900_000_000,
    ntpFraction: 123,
    rtpTimestamp: 160_000,
    packetCount: 1000,
    octetCount: 160_000,
    reports: [{ ssrc: 2, fractionLost: 0, cumulativeLost: 0, highestSeq: 1000, jitter: 12, lsr: 5, dlsr: 6 }],
  },
  { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'voicegate@192.0.2.10' }] }] },
];
const rtcpWire = Buffer.alloc(rtcpMarshalSize(compound));
marshalRtcp(compound, rtcpWire);

async function main(): Promise<void> {
  // Warm the measuring machinery itself (observer, timers) so the first row is not charged for it.
  await bytesPerOp(nothing, 4_000);
  await bytesPerOp((i) => parseRtp(view, wire, 0, wire.length + (i & 0)), 4_000);
  await compare(
    'RTP parse (172 B)',
    () => {
      parseRtp(view, wire, 0, wire.length);
      sink += view.payloadLength;
    },
    'naive slice+copy',
    () => {
      sink += naiveParse(wire)?.payload.length ?? 0;
    },
  );
  await compare(
    'RTP parse (172 B)',
    () => {
      parseRtp(view, wire, 0, wire.length);
      sink += view.payloadLength;
    },
    'werift RtpPacket.deSerialize',
    () => {
      sink += WeriftRtpPacket.deSerialize(wire).payload.length;
    },
  );
  const out = Buffer.alloc(1500);
  const naivePacket = naiveParse(wire) as NonNullable<ReturnType<typeof naiveParse>>;
  const weriftPacket = WeriftRtpPacket.deSerialize(wire);
  await compare(
    'RTP marshal (send path)',
    (i) => {
      writeRtpHeader(out, 0, false, 8, i & 0xffff, i * 160, 0x12345678);
      out.set(payload, 12);
      sink += out[3] as number;
    },
    'naive alloc+concat',
    (i) => {
      naivePacket.sequenceNumber = i & 0xffff;
      sink += naiveMarshal(naivePacket).length;
    },
  );
  const packet = { payloadType: 8, sequenceNumber: 0, timestamp: 0, ssrc: 7, payload };
  await compare(
    'RTP marshal (general)',
    (i) => {
      packet.sequenceNumber = i & 0xffff;
      packet.timestamp = i * 160;
      sink += marshalRtp(packet, out);
    },
    'werift RtpPacket.serialize',
    (i) => {
      weriftPacket.header.sequenceNumber = i & 0xffff;
      sink += weriftPacket.serialize().length;
    },
  );
  await compare(
    'RTCP SR+SDES parse',
    () => {
      const r = parseRtcp(rtcpWire);
      sink += r.ok ? r.packets.length : 0;
    },
    'werift RtcpPacketConverter',
    () => {
      sink += RtcpPacketConverter.deSerialize(rtcpWire).length;
    },
    100_000,
  );
  const jb = new JitterBuffer({ capacity: 64, initialDelayMs: 20, minDelayMs: 20 });
  const naive = new NaiveJitterBuffer();
  // Steady state with light reordering: push packet i (swapping pairs), pop one frame.
  await compare(
    'jitter buffer push+pop',
    (i) => {
      const seq = (i ^ 1) & 0xffff;
      jb.push(seq, seq * 160, false, wire, 12, 160, i * 20);
      sink += jb.pop().length;
    },
    'naive sorted array',
    (i) => {
      naive.push((i ^ 1) & 0xffff, payload);
      sink += naive.pop()?.length ?? 0;
    },
  );

  const f = (n: number): string =>
    Number.isNaN(n) ? 'n/a' : n < 10 ? n.toFixed(1) : Math.round(n).toString();
  console.log(
    `node ${process.version}, ${process.platform}/${process.arch}; ns/op median of 5 rounds; B/op = heap growth per op without GC`,
  );
  console.log('');
  console.log(
    '| operation | voicegate ns/op | baseline | baseline ns/op | speed-up | voicegate B/op | baseline B/op |',
  );
  console.log('|---|---:|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.op} | ${f(r.ours)} | ${r.baseName} | ${f(r.base)} | ${(r.base / r.ours).toFixed(1)}× | ${f(r.oursBytes)} | ${f(r.baseBytes)} |`,
    );
  }
  if (sink === 42) console.log('');
}

await main();
