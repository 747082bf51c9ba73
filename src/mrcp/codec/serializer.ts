/**
 * MRCPv2 serializer (RFC 6787 §5). The message-length field counts the whole message including
 * its own digits, so it is found by fixed point: guess the digit count, recompute, repeat until
 * the digit count no longer changes. Content-Length is set from the body.
 */
import type { HeaderField, MrcpMessage } from './message.js';
import { MRCP_VERSION } from './tables.js';

/** `n` such that `n === base + String(n).length` (the message-length fixed point). */
export function messageLength(base: number): number {
  let digits = 1;
  for (;;) {
    const n = base + digits;
    const d = String(n).length;
    if (d === digits) return n;
    digits = d;
  }
}

function headerText(headers: readonly HeaderField[], bodyLength: number): string {
  let out = '';
  let sawLength = false;
  for (const h of headers) {
    if (h.name.length === 14 && h.name.toLowerCase() === 'content-length') {
      if (sawLength) continue; // one Content-Length only: a duplicate would be ambiguous framing
      sawLength = true;
      const v = String(bodyLength);
      out += h.name + ':' + (v === h.value && h.raw !== undefined ? h.raw : ' ' + v) + '\r\n';
      continue;
    }
    out += h.name + ':' + (h.raw ?? ' ' + h.value) + '\r\n';
  }
  if (!sawLength && bodyLength > 0) out += `Content-Length: ${bodyLength}\r\n`;
  return out;
}

/** The text after the message-length: ` <rest of start line>\r\n<headers>\r\n`. */
function afterLength(m: MrcpMessage): string {
  const head = headerText(m.headers, m.body.length);
  switch (m.kind) {
    case 'request':
      return ` ${m.method} ${m.requestId}\r\n${head}\r\n`;
    case 'response':
      return ` ${m.requestId} ${m.statusCode} ${m.requestState}\r\n${head}\r\n`;
    case 'event':
      return ` ${m.event} ${m.requestId} ${m.requestState}\r\n${head}\r\n`;
  }
}

/** Serializes a message to bytes with a correct message-length. */
export function serializeMessage(m: MrcpMessage): Buffer {
  const version = m.version || MRCP_VERSION;
  const rest = afterLength(m);
  const restBytes = Buffer.byteLength(rest, 'utf8');
  const base = version.length + 1 + restBytes + m.body.length;
  const total = messageLength(base);
  const out = Buffer.allocUnsafe(total);
  let o = out.write(version, 0, 'latin1');
  out[o++] = 0x20;
  o += out.write(String(total), o, 'latin1');
  o += out.write(rest, o, 'utf8');
  out.set(m.body, o);
  return out;
}
