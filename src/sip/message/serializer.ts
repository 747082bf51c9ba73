/**
 * Prints a message (RFC 3261 §7): canonical names for known headers, values as held, and a
 * Content-Length that always matches the body (any held Content-Length is replaced).
 */
import type { SipMessage } from './message.js';

export function serializeHead(msg: SipMessage): string {
  let s =
    msg.kind === 'request'
      ? `${msg.method} ${msg.uri} ${msg.version}\r\n`
      : `${msg.version} ${msg.status} ${msg.reason}\r\n`;
  const lines = msg.headers.lines;
  for (let i = 0; i < lines.length; i++) {
    const h = lines[i]!;
    if (h.key === 'content-length') continue;
    s += h.name + ': ' + h.value + '\r\n';
  }
  return s + 'Content-Length: ' + msg.body.length + '\r\n\r\n';
}

export function serializeMessage(msg: SipMessage): Buffer {
  const head = serializeHead(msg);
  if (msg.body.length === 0) return Buffer.from(head, 'utf8');
  const headLen = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLen + msg.body.length);
  out.write(head, 0, 'utf8');
  msg.body.copy(out, headLen);
  return out;
}
