/** Loopback helpers for session tests: a pool on a random range, a raw peer socket, waiting. */
import { type Socket, createSocket } from 'node:dgram';
import { PortPool, type RtpPacket, marshalRtp } from '../../src/rtp/index.js';

/** A pool on a random range, so parallel test files rarely meet (a taken port is skipped anyway). */
export function randomPool(pairs = 50): PortPool {
  const min = 40000 + 2 * Math.floor(Math.random() * 9000);
  return new PortPool({ min, max: min + 2 * pairs - 1 });
}

export interface Peer {
  socket: Socket;
  port: number;
  received: Buffer[];
  send(buf: Uint8Array, port: number, address?: string): void;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];

/** Registers something to close after the current test, pass or fail (so a failure cannot hang the run). */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export async function cleanupAll(): Promise<void> {
  await Promise.all(cleanups.splice(0).map((fn) => fn().catch(() => undefined)));
}

export async function peer(address = '127.0.0.1'): Promise<Peer> {
  const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  let closed = false;
  const close = (): Promise<void> =>
    closed
      ? Promise.resolve()
      : new Promise((resolve) => {
          closed = true;
          socket.close(() => resolve());
        });
  onCleanup(close);
  return {
    socket,
    port: socket.address().port,
    received,
    send: (buf, port, to = address) => socket.send(buf, port, to),
    close,
  };
}

export function rtp(p: Partial<RtpPacket> & { payload?: Uint8Array }): Buffer {
  const packet: RtpPacket = {
    payloadType: 8,
    sequenceNumber: 1,
    timestamp: 160,
    ssrc: 0x1234,
    payload: new Uint8Array(160).fill(0xd5),
    ...p,
  };
  const buf = Buffer.alloc(1500);
  return buf.subarray(0, marshalRtp(packet, buf));
}

/** Polls `cond` every 5 ms, at most `ms`; rejects with `what` on timeout. */
export async function waitFor(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));
