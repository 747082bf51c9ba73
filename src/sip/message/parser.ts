/**
 * SIP message parser (RFC 3261 §7, §18.3, §25). Input is one datagram or one framed stream
 * message; output is a SipRequest/SipResponse or a coded SipParseError — it never throws.
 *
 * Bounds come first: the message size, the number of header lines and each line's length are
 * checked before the text is held. Folded lines (§7.3.1) are joined with one space; compact
 * names are expanded; unknown headers are kept in order. Content-Length decides where the body
 * ends (§18.3): octets after it are ignored on datagrams (RFC 4475 §3.1.1.8), and a body shorter
 * than it is an error (§3.1.2.2). Without Content-Length a datagram's body is the rest of it.
 */
import { parseError, type SipParseError } from './errors.js';
import { TOKEN } from './grammar.js';
import { headerInfo, type HeaderInfo } from './header-names.js';
import { HeaderList, type SipHeader } from './headers.js';
import { EMPTY_BODY, SipRequest, SipResponse, type SipMessage } from './message.js';

export interface ParseLimits {
  /** Largest message in bytes (default 65,535: the largest UDP datagram). */
  maxMessageBytes: number;
  /** Most header lines (default 256). */
  maxHeaders: number;
  /** Longest header line after unfolding, in bytes (default 8,192). */
  maxHeaderLineBytes: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = {
  maxMessageBytes: 65535,
  maxHeaders: 256,
  maxHeaderLineBytes: 8192,
};

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');

function isTokenName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TOKEN[c] !== 1) return false;
  }
  return true;
}

/** Trims SP and HTAB only (a UTF-8 BOM or NBSP at the edge of a value is content). */
function trimLws(s: string, from: number, to: number): string {
  while (from < to) {
    const c = s.charCodeAt(from);
    if (c !== 0x20 && c !== 0x09) break;
    from++;
  }
  while (to > from) {
    const c = s.charCodeAt(to - 1);
    if (c !== 0x20 && c !== 0x09) break;
    to--;
  }
  return s.slice(from, to);
}

const VERSION_RE = /^SIP\/(\d+)\.(\d+)$/i;

function parseVersion(v: string): string | null {
  const m = VERSION_RE.exec(v);
  if (!m) return null;
  return m[1] === '2' && m[2] === '0' ? 'SIP/2.0' : v.toUpperCase();
}

/**
 * Parses one message from `buf`. `stream` is true for a message framed from TCP/TLS, where
 * Content-Length is mandatory (§18.3).
 */
export function parseMessage(
  buf: Buffer,
  limits: Readonly<ParseLimits> = DEFAULT_PARSE_LIMITS,
  stream = false,
): SipMessage | SipParseError {
  const len = buf.length;
  if (len > limits.maxMessageBytes) {
    return parseError('message_too_large', `message of ${len} bytes exceeds ${limits.maxMessageBytes}`);
  }
  let start = 0;
  // §7.5: CRLFs before the start line are ignored.
  while (start < len && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  if (start >= len) return parseError('empty', 'no message');
  let headEnd = buf.indexOf(CRLFCRLF, start);
  let sepLen = 4;
  if (headEnd === -1) {
    headEnd = buf.indexOf(LFLF, start);
    sepLen = 2;
    if (headEnd === -1) {
      // Without the blank line a message is truncated, even when it ends on a line end: a
      // truncated INVITE must not pass for one without a body.
      return parseError('no_header_end', 'no blank line after the headers');
    }
  }
  const text = buf.toString('utf8', start, headEnd);
  const bodyStart = headEnd + sepLen;

  // Start line.
  let eol = text.indexOf('\n');
  if (eol === -1) eol = text.length;
  const slEnd = eol > 0 && text.charCodeAt(eol - 1) === 0x0d ? eol - 1 : eol;
  const startLine = text.slice(0, slEnd);
  if (startLine.length > limits.maxHeaderLineBytes)
    return parseError('header_too_long', 'start line too long');
  let msg: SipMessage;
  if (startLine.charCodeAt(0) === 0x53 && /^SIP\//i.test(startLine)) {
    const sp1 = startLine.indexOf(' ');
    if (sp1 === -1) return parseError('bad_start_line', 'status line without a code');
    const version = parseVersion(startLine.slice(0, sp1));
    if (version === null) return parseError('bad_start_line', 'bad SIP-Version in status line');
    let sp2 = startLine.indexOf(' ', sp1 + 1);
    if (sp2 === -1) sp2 = startLine.length;
    const code = startLine.slice(sp1 + 1, sp2);
    if (code.length !== 3 || !/^[1-6]\d\d$/.test(code)) {
      return parseError('bad_status_code', `status code "${code.slice(0, 12)}" is not 100-699`);
    }
    msg = new SipResponse(Number(code), startLine.slice(sp2 + 1), new HeaderList(), EMPTY_BODY, version);
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version: exactly two single spaces (§25.1).
    const sp1 = startLine.indexOf(' ');
    const sp2 = sp1 === -1 ? -1 : startLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 === -1 || sp2 === sp1 + 1 || startLine.indexOf(' ', sp2 + 1) !== -1) {
      return parseError('bad_start_line', 'request line is not "Method SP Request-URI SP SIP-Version"');
    }
    const method = startLine.slice(0, sp1);
    if (!isTokenName(method)) return parseError('bad_start_line', 'method is not a token');
    const uri = startLine.slice(sp1 + 1, sp2);
    if (uri.indexOf('\t') !== -1) return parseError('bad_request_uri', 'whitespace in Request-URI');
    const version = parseVersion(startLine.slice(sp2 + 1));
    if (version === null) return parseError('bad_start_line', 'bad SIP-Version in request line');
    msg = new SipRequest(method, uri, new HeaderList(), EMPTY_BODY, version);
  }

  // Header lines.
  const lines: SipHeader[] = msg.headers.lines;
  let cur: SipHeader | undefined;
  let contentLength = -1;
  let clError: SipParseError | undefined;
  let pos = eol + 1;
  const tlen = text.length;
  while (pos < tlen) {
    let e = text.indexOf('\n', pos);
    if (e === -1) e = tlen;
    const lineEnd = e > pos && text.charCodeAt(e - 1) === 0x0d ? e - 1 : e;
    if (lineEnd - pos > limits.maxHeaderLineBytes) {
      return parseError('header_too_long', `header line longer than ${limits.maxHeaderLineBytes} bytes`);
    }
    const c0 = text.charCodeAt(pos);
    if (c0 === 0x20 || c0 === 0x09) {
      // Folded continuation (§7.3.1): joined to the previous value with one SP.
      if (cur === undefined) return parseError('bad_header_line', 'continuation line before any header');
      const more = trimLws(text, pos, lineEnd);
      if (more.length) cur.value = cur.value.length ? cur.value + ' ' + more : more;
      if (cur.value.length > limits.maxHeaderLineBytes) {
        return parseError(
          'header_too_long',
          `header ${cur.name} longer than ${limits.maxHeaderLineBytes} bytes`,
        );
      }
    } else if (lineEnd > pos) {
      const colon = text.indexOf(':', pos);
      if (colon === -1 || colon >= lineEnd)
        return parseError('bad_header_line', 'header line without a colon');
      let ne = colon;
      while (ne > pos && (text.charCodeAt(ne - 1) === 0x20 || text.charCodeAt(ne - 1) === 0x09)) ne--;
      const rawName = text.slice(pos, ne);
      if (!isTokenName(rawName)) return parseError('bad_header_name', 'header name is not a token');
      if (lines.length >= limits.maxHeaders) {
        return parseError('too_many_headers', `more than ${limits.maxHeaders} header lines`);
      }
      const info: HeaderInfo | undefined = headerInfo(rawName);
      cur = info
        ? { name: info.pretty, key: info.key, value: trimLws(text, colon + 1, lineEnd) }
        : { name: rawName, key: rawName.toLowerCase(), value: trimLws(text, colon + 1, lineEnd) };
      lines.push(cur);
    }
    pos = e + 1;
  }
  // Content-Length is read after unfolding (a folded value is legal).
  for (let i = 0; i < lines.length; i++) {
    const h = lines[i]!;
    if (h.key !== 'content-length') continue;
    const v = h.value;
    if (!/^\d{1,10}$/.test(v)) {
      clError = parseError(
        'bad_content_length',
        `Content-Length "${v.slice(0, 20)}" is not a number`,
        h.key,
        msg,
      );
      break;
    }
    const n = Number(v);
    if (contentLength !== -1 && n !== contentLength) {
      clError = parseError('content_length_conflict', 'several different Content-Length values', h.key, msg);
      break;
    }
    contentLength = n;
  }
  if (clError) return clError;
  const avail = len - bodyStart;
  if (contentLength === -1) {
    if (stream)
      return parseError('missing_content_length', 'Content-Length is required on streams', undefined, msg);
    if (avail > 0) msg.body = buf.subarray(bodyStart);
  } else if (contentLength > avail) {
    return parseError(
      'content_length_exceeds_body',
      `Content-Length ${contentLength} exceeds the ${avail} body bytes`,
      'content-length',
      msg,
    );
  } else if (contentLength > 0) {
    msg.body = buf.subarray(bodyStart, bodyStart + contentLength);
  }
  return msg;
}
