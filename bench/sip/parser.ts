/**
 * Parser throughput: voicegate's parser (alone and with the core-header checks every received
 * message gets) and serializer, against a minimal regex-based parser measured in the same run.
 */
import { parseCoreHeaders, parseMessage, serializeMessage } from '../../src/sip/index.js';

const SDP =
  'v=0\r\no=- 3868214 3868214 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n' +
  'm=audio 16384 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n' +
  'a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n';

export const TYPICAL_INVITE = Buffer.from(
  [
    'INVITE sip:+15551234567@10.0.0.2:5060 SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-524287-1---8a6c1bd2a4f1e8c3;rport',
    'Max-Forwards: 70',
    'Contact: <sip:+15557654321@10.0.0.1:5060>',
    'To: <sip:+15551234567@10.0.0.2>',
    'From: "Caller" <sip:+15557654321@10.0.0.1>;tag=a73kszlfl',
    'Call-ID: 4f3c2a1b9e8d7c6b5a4f3e2d1c0b9a8f@10.0.0.1',
    'CSeq: 1 INVITE',
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO, REFER, NOTIFY',
    'Supported: 100rel, timer, replaces',
    'Session-Expires: 1800',
    'Min-SE: 90',
    'User-Agent: carrier-sbc/4.2',
    'Content-Type: application/sdp',
    `Content-Length: ${SDP.length}`,
    '',
    SDP,
  ].join('\r\n'),
);

export const TYPICAL_200 = Buffer.from(
  [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-524287-1---8a6c1bd2a4f1e8c3;rport=5060',
    'From: "Caller" <sip:+15557654321@10.0.0.1>;tag=a73kszlfl',
    'To: <sip:+15551234567@10.0.0.2>;tag=8f3kd02ms1',
    'Call-ID: 4f3c2a1b9e8d7c6b5a4f3e2d1c0b9a8f@10.0.0.1',
    'CSeq: 1 INVITE',
    'Contact: <sip:voicegate@10.0.0.2:5060>',
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO, REFER, NOTIFY',
    'Supported: 100rel, timer',
    'Session-Expires: 1800;refresher=uac',
    'Require: timer',
    'Content-Type: application/sdp',
    `Content-Length: ${SDP.length}`,
    '',
    SDP,
  ].join('\r\n'),
);

/** The baseline: split lines, one regex per line, no checks, no folding, no bounds. */
function regexParse(buf: Buffer): { start: string; headers: Record<string, string[]>; body: string } {
  const text = buf.toString();
  const i = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, i).split('\r\n');
  const headers: Record<string, string[]> = {};
  for (let k = 1; k < lines.length; k++) {
    const m = /^([^:]+?)\s*:\s*(.*)$/.exec(lines[k]!);
    if (m) (headers[m[1]!.toLowerCase()] ??= []).push(m[2]!);
  }
  return { start: lines[0]!, headers, body: text.slice(i + 4) };
}

function measure(fn: () => unknown, ms = 1000): number {
  for (let i = 0; i < 20_000; i++) fn();
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
  }
  return n / (ms / 1000);
}

export interface ParserRow {
  what: string;
  perSecond: number;
  microseconds: number;
}

export function parserBench(): ParserRow[] {
  const rows: ParserRow[] = [];
  for (const [name, msg] of [
    ['INVITE', TYPICAL_INVITE],
    ['200 OK', TYPICAL_200],
  ] as const) {
    const parsed = parseMessage(msg);
    if (parsed.kind === 'error') throw new Error(`bench message does not parse: ${parsed.message}`);
    const cases: Array<[string, () => unknown]> = [
      [`baseline: regex split parser, ${name}`, () => regexParse(msg)],
      [`voicegate parseMessage, ${name}`, () => parseMessage(msg)],
      [
        `voicegate parseMessage + core headers, ${name}`,
        () => parseCoreHeaders(parseMessage(msg) as typeof parsed),
      ],
      [`voicegate serializeMessage, ${name}`, () => serializeMessage(parsed)],
    ];
    for (const [what, fn] of cases) {
      const perSecond = measure(fn);
      rows.push({ what, perSecond, microseconds: 1e6 / perSecond });
    }
  }
  return rows;
}
