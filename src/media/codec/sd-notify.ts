/**
 * sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (a path, or an abstract socket
 * written `@name`). Node's dgram cannot send to unix sockets, so the addon does the sendto().
 */
import { native } from './native.js';

const MAX_STATE_BYTES = 4096;

/**
 * Sends `state` (newline-separated `KEY=value` assignments, e.g. `READY=1`) to `socketPath`.
 * Returns false when there is no socket (not running under systemd).
 */
export function sdNotify(state: string, socketPath: string | undefined = process.env.NOTIFY_SOCKET): boolean {
  if (typeof state !== 'string') throw new TypeError('sdNotify: state must be a string');
  if (state.length === 0 || Buffer.byteLength(state) > MAX_STATE_BYTES) {
    throw new RangeError(`sdNotify: state must be 1..${MAX_STATE_BYTES} bytes`);
  }
  if (state.includes('\0')) throw new RangeError('sdNotify: state must not contain NUL');
  if (socketPath === undefined || socketPath === '') return false;
  if (typeof socketPath !== 'string') throw new TypeError('sdNotify: socketPath must be a string');
  if (socketPath.includes('\0')) throw new RangeError('sdNotify: socketPath must not contain NUL');
  return native().sd_notify(socketPath, state) === 'sent';
}
