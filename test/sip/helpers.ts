/** Shared helpers of the SIP tests. */
import { parseMessage, type SipMessage } from '../../src/sip/index.js';

export function msg(lines: string[], body = ''): Buffer {
  const head = lines.join('\r\n') + `\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return Buffer.from(head + body);
}

export function parse(data: Buffer): SipMessage {
  const m = parseMessage(data);
  if (m.kind === 'error') throw new Error(`parse failed: ${m.code} ${m.message}`);
  return m;
}

export function options(viaHost: string, viaPort: number, extraVia = '', callId = 'c1@test'): Buffer {
  return msg([
    'OPTIONS sip:voicegate@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/UDP ${viaHost}:${viaPort};branch=z9hG4bK-${callId.replace(/[^a-z0-9]/gi, '')}${extraVia}`,
    'Max-Forwards: 70',
    'To: <sip:voicegate@127.0.0.1>',
    'From: <sip:peer@example.com>;tag=p1',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
  ]);
}

/** Waits until `cond` holds, polling every 5 ms, failing after `ms`. */
export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
