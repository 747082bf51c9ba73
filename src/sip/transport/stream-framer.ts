/**
 * Frames SIP messages out of a byte stream (RFC 3261 §18.3): a message is its header section up
 * to the blank line plus Content-Length octets of body, and Content-Length is mandatory. CRLFs
 * between messages are skipped (§7.5); a double CRLF is the RFC 5626 §3.5.1 keepalive ping,
 * answered with a single CRLF pong. Everything is bounded: an over-long header section or body
 * is an error, after which the connection is closed (nothing can resynchronise a stream).
 */

export interface FramerLimits {
  maxMessageBytes: number;
  maxHeaderBytes: number;
}

export type FrameResult =
  { kind: 'message'; data: Buffer } | { kind: 'ping' } | { kind: 'error'; reason: string };

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CL_RE = /(?:^|\n)[ \t]*(?:content-length|l)[ \t]*:[ \t]*(\S*)/gi;

export class StreamFramer {
  private buf: Buffer = Buffer.alloc(0);
  private failed = false;

  constructor(private readonly limits: FramerLimits) {}

  /** Buffered, not yet framed bytes. */
  get pending(): number {
    return this.buf.length;
  }

  /** Adds received bytes and returns every complete frame (stops at the first error). */
  push(chunk: Buffer): FrameResult[] {
    if (this.failed) return [];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: FrameResult[] = [];
    while (this.buf.length > 0) {
      // Leading CRLFs: keepalives and inter-message padding.
      let i = 0;
      while (i < this.buf.length && (this.buf[i] === 0x0d || this.buf[i] === 0x0a)) i++;
      if (i > 0) {
        if (
          i >= 4 &&
          this.buf[0] === 0x0d &&
          this.buf[1] === 0x0a &&
          this.buf[2] === 0x0d &&
          this.buf[3] === 0x0a
        ) {
          out.push({ kind: 'ping' });
        }
        this.buf = this.buf.subarray(i);
        continue;
      }
      const headEnd = this.buf.indexOf(CRLFCRLF);
      if (headEnd === -1) {
        if (this.buf.length > this.limits.maxHeaderBytes) return this.fail(out, 'header section too long');
        break;
      }
      if (headEnd > this.limits.maxHeaderBytes) return this.fail(out, 'header section too long');
      const head = this.buf.toString('latin1', 0, headEnd);
      CL_RE.lastIndex = 0;
      let length = -1;
      let m: RegExpExecArray | null;
      while ((m = CL_RE.exec(head)) !== null) {
        if (!/^\d{1,10}$/.test(m[1]!)) return this.fail(out, 'bad Content-Length');
        const n = Number(m[1]);
        if (length !== -1 && n !== length) return this.fail(out, 'conflicting Content-Length values');
        length = n;
      }
      if (length === -1) return this.fail(out, 'no Content-Length on a stream');
      const total = headEnd + 4 + length;
      if (total > this.limits.maxMessageBytes) return this.fail(out, 'message too large');
      if (this.buf.length < total) break;
      out.push({ kind: 'message', data: this.buf.subarray(0, total) });
      this.buf = this.buf.subarray(total);
    }
    // Do not pin a large received chunk for a small remainder.
    if (this.buf.length > 0 && this.buf.byteOffset > 0 && this.buf.length < 4096)
      this.buf = Buffer.from(this.buf);
    return out;
  }

  private fail(out: FrameResult[], reason: string): FrameResult[] {
    this.failed = true;
    this.buf = Buffer.alloc(0);
    out.push({ kind: 'error', reason });
    return out;
  }
}
