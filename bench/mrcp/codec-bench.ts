/**
 * bench:mrcp — MRCPv2 codec throughput (messages/s) of voicegate's stream parser and serializer,
 * against a baseline measured in the same run: the npm `mrcp` package (1.4.2, devDependency), its
 * `get_msg_len` + `parse_msg` framing loop and its `build_*` builders. The input is the corpus of
 * test/fixtures/mrcp (requests, responses and events with SSML/SRGS/NLSML bodies) sent as one
 * TCP-like stream cut into 1400-octet segments. Each cell runs for a fixed time (bounded).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MrcpStreamParser, parseMessage, serializeMessage, type MrcpMessage } from '../../src/mrcp/index.js';

interface NpmMrcp {
  parser: { get_msg_len(b: Buffer): number | null; parse_msg(b: Buffer): { type: string } };
  builder: {
    build_request(method: string, id: number, headers: Record<string, string>, body?: string): string;
    build_response(
      id: number,
      status: number,
      state: string,
      headers: Record<string, string>,
      body?: string,
    ): string;
    build_event(
      ev: string,
      id: number,
      state: string,
      headers: Record<string, string>,
      body?: string,
    ): string;
  };
}
const npmMrcp = createRequire(import.meta.url)('mrcp') as NpmMrcp;

const dir = fileURLToPath(new URL('../../../test/fixtures/mrcp/', import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.mrcp'))
  .sort()
  .map((f) => readFileSync(dir + f));
/** Both parsers get the same input: the corpus less what the package cannot parse (it throws). */
const corpus = all.filter((b) => {
  try {
    npmMrcp.parser.parse_msg(b);
    return true;
  } catch {
    return false;
  }
});
const stream = Buffer.concat(corpus);
const SEG = 1400;
const segments: Buffer[] = [];
for (let i = 0; i < stream.length; i += SEG) segments.push(Buffer.from(stream.subarray(i, i + SEG)));
const messages: MrcpMessage[] = corpus.map((b) => {
  const r = parseMessage(b);
  if (!r.ok) throw new Error(r.error.detail);
  return r.message;
});

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);

/** Runs `round` (which handles `perRound` messages) for SECONDS; returns messages/s. */
function measure(perRound: number, round: () => void): number {
  for (let i = 0; i < 50; i++) round(); // warm-up
  const end = process.hrtime.bigint() + BigInt(Math.round(SECONDS * 1e9));
  let rounds = 0;
  const t0 = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 20; i++) round();
    rounds += 20;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return (rounds * perRound) / secs;
}

let sink = 0;
const oursParse = measure(corpus.length, () => {
  const p = new MrcpStreamParser();
  for (const s of segments) sink += p.push(s).items.length;
});

const baselineParse = measure(corpus.length, () => {
  // The package's framing loop (as in its mrcp_socket, but draining every message of a segment).
  let buf = Buffer.alloc(0);
  for (const s of segments) {
    buf = Buffer.concat([buf, s]);
    for (;;) {
      const len = buf.length >= 32 ? npmMrcp.parser.get_msg_len(buf) : null;
      if (len === null || buf.length < len) break;
      sink += npmMrcp.parser.parse_msg(buf.subarray(0, len)).type.length;
      buf = buf.subarray(len);
    }
  }
});

const oursSerialize = measure(messages.length, () => {
  for (const m of messages) sink += serializeMessage(m).length;
});

/** The same messages as plain header objects and string bodies, for the package's builders. */
const plain = messages.map((m) => ({
  m,
  headers: Object.fromEntries(
    m.headers.filter((h) => h.name.toLowerCase() !== 'content-length').map((h) => [h.name, h.value]),
  ),
  body: m.body.length ? Buffer.from(m.body).toString('utf8') : undefined,
}));
const baselineSerialize = measure(messages.length, () => {
  for (const { m, headers, body } of plain) {
    const h = { ...headers }; // the builder adds content-length to the object it is given
    const s =
      m.kind === 'request'
        ? npmMrcp.builder.build_request(m.method, m.requestId, h, body)
        : m.kind === 'response'
          ? npmMrcp.builder.build_response(m.requestId, m.statusCode, m.requestState, h, body)
          : npmMrcp.builder.build_event(m.event, m.requestId, m.requestState, h, body);
    sink += Buffer.byteLength(s);
  }
});

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const rows = [
  ['parse (stream, 1400-octet segments)', oursParse, baselineParse],
  ['serialize', oursSerialize, baselineSerialize],
] as const;
console.log(
  `MRCPv2 codec, ${corpus.length} corpus messages (${stream.length} octets; ${all.length - corpus.length} left out that npm mrcp throws on), ${SECONDS}s per cell, node ${process.version}`,
);
console.log('| operation | voicegate msg/s | npm mrcp 1.4.2 msg/s | ratio |');
console.log('|---|---:|---:|---:|');
for (const [name, ours, base] of rows)
  console.log(`| ${name} | ${fmt(ours)} | ${fmt(base)} | ${(ours / base).toFixed(2)}x |`);
if (sink === -1) console.log('');
