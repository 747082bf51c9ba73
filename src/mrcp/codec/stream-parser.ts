/**
 * Incremental MRCPv2 framer for a TCP byte stream (RFC 6787 §5: the message-length field frames
 * messages). Messages may be split across or packed within segments. Bounded: a start line longer
 * than `maxStartLine` or a message-length above `maxMessageSize` is an error; an oversized message
 * is skipped without buffering it, so the server can answer 504 and keep the connection.
 *
 * Bodies are views into the received chunks when a message sits in one chunk (no copy); a message
 * spanning chunks is copied once into its own buffer. Chunks are never written to.
 */
import { parseError, type MrcpParseError } from './errors.js';
import type { MrcpMessage } from './message.js';
import { parseFramed, parseStartLine, type StartLine } from './parse-message.js';

export interface StreamParserOptions {
  /** Largest message accepted, in octets (default 1 MiB). */
  maxMessageSize?: number;
  /** Longest start line, in octets (default 256). */
  maxStartLine?: number;
  /** Most header fields in one message (default 128). */
  maxHeaders?: number;
}

export type StreamItem = { ok: true; message: MrcpMessage } | { ok: false; error: MrcpParseError };

/**
 * `complete`: every byte so far belonged to whole messages; `needs-more`: a partial message is
 * buffered; `error`: the stream cannot be framed any more (the last item is the fatal error).
 */
export interface PushResult {
  state: 'complete' | 'needs-more' | 'error';
  items: StreamItem[];
}

export interface StreamParserStats {
  bytes: number;
  messages: number;
  errors: number;
  skippedBytes: number;
}

const PREFIX = Buffer.from('MRCP/', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');

export class MrcpStreamParser {
  readonly stats: StreamParserStats = { bytes: 0, messages: 0, errors: 0, skippedBytes: 0 };
  private readonly maxMessageSize: number;
  private readonly maxStartLine: number;
  private readonly maxHeaders: number;
  private chunks: Buffer[] = [];
  private total = 0;
  /** Bytes needed before the head message can be parsed (0 = unknown). */
  private need = 0;
  /** Bytes of an oversized message still to discard. */
  private skip = 0;
  private dead: MrcpParseError | undefined;

  constructor(opts: StreamParserOptions = {}) {
    this.maxMessageSize = opts.maxMessageSize ?? 1 << 20;
    this.maxStartLine = opts.maxStartLine ?? 256;
    this.maxHeaders = opts.maxHeaders ?? 128;
  }

  /** Bytes buffered for an incomplete message. */
  get buffered(): number {
    return this.total;
  }

  /** Feeds bytes; returns the messages and errors they completed. Never throws. */
  push(data: Uint8Array): PushResult {
    const items: StreamItem[] = [];
    if (this.dead) return { state: 'error', items: [{ ok: false, error: this.dead }] };
    this.stats.bytes += data.length;
    let chunk = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      this.stats.skippedBytes += n;
      chunk = chunk.subarray(n);
    }
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.total += chunk.length;
    }
    if (this.need > 0 && this.total < this.need) return { state: 'needs-more', items };
    while (this.total > 0) {
      const buf = this.flatten();
      const step = this.step(buf, items);
      if (step === 'more' || step === 'dead') break;
    }
    const state = this.dead ? 'error' : this.total > 0 ? 'needs-more' : 'complete';
    return { state, items };
  }

  /** Drops buffered bytes (e.g. when the connection closes). */
  reset(): void {
    this.chunks = [];
    this.total = 0;
    this.need = 0;
    this.skip = 0;
    this.dead = undefined;
  }

  private flatten(): Buffer {
    if (this.chunks.length === 1) return this.chunks[0] as Buffer;
    const b = Buffer.concat(this.chunks, this.total);
    this.chunks = [b];
    return b;
  }

  private consume(buf: Buffer, n: number): void {
    const rest = buf.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.total = rest.length;
    this.need = 0;
  }

  private fatal(items: StreamItem[], e: MrcpParseError): 'dead' {
    this.dead = e;
    this.stats.errors++;
    this.chunks = [];
    this.total = 0;
    items.push({ ok: false, error: e });
    return 'dead';
  }

  private step(buf: Buffer, items: StreamItem[]): 'next' | 'more' | 'dead' {
    // Reject garbage as soon as the first octets disagree with "MRCP/".
    const pre = Math.min(PREFIX.length, buf.length);
    let same = true;
    for (let i = 0; i < pre; i++) if (buf[i] !== PREFIX[i]) same = false;
    if (!same) {
      return this.fatal(items, parseError('bad-start-line', 'stream does not start with "MRCP/"'));
    }
    let cr = buf.indexOf(CRLF);
    if (cr > this.maxStartLine) cr = -1;
    if (cr < 0) {
      if (buf.length >= this.maxStartLine + 2) {
        return this.fatal(
          items,
          parseError('start-line-too-long', `no CRLF in the first ${this.maxStartLine} octets`),
        );
      }
      return 'more';
    }
    const sl = parseStartLine(buf.toString('latin1', 0, cr), this.maxMessageSize);
    let line: StartLine | undefined;
    if (sl.ok) line = sl.line;
    else if (sl.error.fatal) return this.fatal(items, sl.error);
    // A message-length that cannot even hold its start line and the empty line cannot frame.
    const length = sl.ok ? sl.line.length : readLength(buf, cr);
    if (length < cr + 4)
      return this.fatal(items, parseError('bad-message-length', `message-length ${length} too small`));
    if (!sl.ok && sl.error.code === 'message-too-large') {
      this.stats.errors++;
      items.push(sl);
      const have = Math.min(length, buf.length);
      this.stats.skippedBytes += have;
      this.skip = length - have;
      this.consume(buf, have);
      return 'next';
    }
    if (buf.length < length) {
      this.need = length;
      return 'more';
    }
    const framed = buf.subarray(0, length);
    this.consume(buf, length);
    if (!line) {
      this.stats.errors++;
      items.push(sl as StreamItem);
      return 'next';
    }
    const r = parseFramed(framed, line, cr, this.maxHeaders);
    if (r.ok) this.stats.messages++;
    else this.stats.errors++;
    items.push(r);
    return 'next';
  }
}

function readLength(buf: Buffer, cr: number): number {
  const t = buf.toString('latin1', 0, cr).split(' ')[1] ?? '';
  return t.length > 15 ? Number.MAX_SAFE_INTEGER : Number(t);
}
