/**
 * Binding a session's socket pair from the pool: RTP on the even port, RTCP on the next (unless
 * muxed). A port another process holds is given back to the pool (at the end of its queue) and the
 * next pair is tried, a bounded number of times.
 */
import { type Socket, createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from './logger.js';
import type { PortPool } from './port-pool.js';

export interface BoundPair {
  readonly port: number;
  readonly rtp: Socket;
  readonly rtcp: Socket | undefined;
}

export type BindResult =
  | { readonly ok: true; readonly pair: BoundPair }
  | {
      readonly ok: false;
      readonly code: 'pool_exhausted' | 'bind_failed' | 'bad_host';
      readonly message: string;
    };

interface BindOptions {
  readonly pool: PortPool;
  readonly host: string;
  readonly mux: boolean;
  readonly recvBufferSize: number;
  readonly sendBufferSize: number | undefined;
  readonly attempts: number;
  readonly log: Logger;
}

function bindOne(type: 'udp4' | 'udp6', o: BindOptions, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({
      type,
      ipv6Only: type === 'udp6',
      recvBufferSize: o.recvBufferSize,
      ...(o.sendBufferSize !== undefined ? { sendBufferSize: o.sendBufferSize } : {}),
    });
    const onError = (err: Error): void => {
      socket.removeListener('listening', onListening);
      socket.close();
      reject(err);
    };
    const onListening = (): void => {
      socket.removeListener('error', onError);
      resolve(socket);
    };
    socket.once('error', onError);
    socket.once('listening', onListening);
    try {
      socket.bind({ port, address: o.host, exclusive: true });
    } catch (err) {
      onError(err as Error);
    }
  });
}

export async function bindPair(o: BindOptions): Promise<BindResult> {
  const family = isIP(o.host);
  if (family === 0)
    return { ok: false, code: 'bad_host', message: `RTP host ${o.host} is not an IP address` };
  const type = family === 6 ? 'udp6' : 'udp4';
  let lastError = '';
  for (let attempt = 0; attempt < o.attempts; attempt++) {
    const port = o.pool.allocate();
    if (port === undefined)
      return {
        ok: false,
        code: 'pool_exhausted',
        message: `RTP port pool exhausted (${o.pool.capacity} pairs)`,
      };
    let rtp: Socket | undefined;
    try {
      rtp = await bindOne(type, o, port);
      const rtcp = o.mux ? undefined : await bindOne(type, o, port + 1);
      return { ok: true, pair: { port, rtp, rtcp } };
    } catch (err) {
      lastError = (err as Error).message;
      o.log.warn('rtp: port pair unavailable, trying the next', { port, error: lastError });
      rtp?.close();
      o.pool.release(port);
    }
  }
  return {
    ok: false,
    code: 'bind_failed',
    message: `no bindable RTP port pair after ${o.attempts} attempts: ${lastError}`,
  };
}
