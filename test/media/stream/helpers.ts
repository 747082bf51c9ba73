/** Loopback helpers for media stream tests: two streams wired to each other, negotiated audio. */
import { PortPool } from '../../../src/rtp/index.js';
import { AUDIO_CODECS, type CodecId, type NegotiatedAudio } from '../../../src/sdp/index.js';
import {
  MediaStream,
  type FrameClock,
  type MediaStreamEvents,
  type MediaStreamOptions,
} from '../../../src/media/index.js';

export function randomPool(pairs = 20): PortPool {
  const min = 30000 + 2 * Math.floor(Math.random() * 4500);
  return new PortPool({ min, max: min + 2 * pairs - 1 });
}

export interface AudioSpec {
  codec?: CodecId;
  pt?: number;
  te?: boolean;
  sendPtime?: number;
  recvPtime?: number;
  send?: boolean;
  recv?: boolean;
}

/** What SDP would have negotiated for a stream sending to `remotePort` on loopback. */
export function negotiated(remotePort: number, spec: AudioSpec = {}): NegotiatedAudio {
  const id = spec.codec ?? 'PCMA';
  const c = AUDIO_CODECS[id];
  const pt = spec.pt ?? c.staticPt ?? 96;
  return {
    index: 0,
    codec: { id, name: c.name, sendPt: pt, recvPt: pt, clockRate: c.clockRate, sampleRate: c.sampleRate },
    telephoneEvent:
      spec.te === false ? undefined : { sendPt: 101, recvPt: 101, clockRate: c.clockRate, events: [] },
    sendPtime: spec.sendPtime ?? 20,
    recvPtime: spec.recvPtime ?? 20,
    direction: 'sendrecv',
    remoteDirection: 'sendrecv',
    send: spec.send ?? true,
    recv: spec.recv ?? true,
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
  } as NegotiatedAudio;
}

const cleanups: (() => Promise<void>)[] = [];
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}
export async function cleanupAll(): Promise<void> {
  await Promise.all(cleanups.splice(0).map((fn) => fn().catch(() => undefined)));
}

export async function openStream(
  clock: FrameClock,
  events: MediaStreamEvents = {},
  extra: Partial<MediaStreamOptions> = {},
  pool = randomPool(),
): Promise<MediaStream> {
  const r = await MediaStream.open(
    { rtp: { pool, host: '127.0.0.1', rtcp: { enabled: false } }, frameClock: clock, ...extra },
    events,
  );
  if (!r.ok) throw new Error(r.message);
  onCleanup(() => r.stream.close());
  return r.stream;
}

/** Two streams sending to each other: `a` with specA, `b` with specB. */
export async function pair(
  clock: FrameClock,
  specA: AudioSpec = {},
  specB: AudioSpec = specA,
  eventsB: MediaStreamEvents = {},
  extraA: Partial<MediaStreamOptions> = {},
  extraB: Partial<MediaStreamOptions> = {},
): Promise<{ a: MediaStream; b: MediaStream }> {
  const a = await openStream(clock, {}, extraA);
  const b = await openStream(clock, eventsB, extraB);
  a.configure(negotiated(b.port, specA));
  b.configure(negotiated(a.port, specB));
  return { a, b };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A sine of `hz` at `amp`, `ms` long, at `rate`. */
export function tone(hz: number, ms: number, rate: number, amp = 8000): Int16Array {
  const n = Math.round((rate * ms) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

/** The offset of `needle` inside `hay` where they agree exactly, or -1. */
export function findExact(hay: Int16Array, needle: Int16Array, from = 0): number {
  outer: for (let off = from; off + needle.length <= hay.length; off++) {
    for (let i = 0; i < needle.length; i++) if (hay[off + i] !== needle[i]) continue outer;
    return off;
  }
  return -1;
}
