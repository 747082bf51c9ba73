/**
 * Parsing of one framed MRCPv2 message (RFC 6787 §5, ABNF §15): start line, header fields, body.
 * Lengths are checked before every read; failures are coded errors, never exceptions.
 */
import { parseError, type MrcpParseError } from './errors.js';
import type { HeaderField, MrcpMessage } from './message.js';
import { isEventName, isMethod, isRequestState, MRCP_VERSION } from './tables.js';

export interface StartLine {
  kind: 'request' | 'response' | 'event';
  version: string;
  /** The message-length field. */
  length: number;
  requestId: number;
  method?: string;
  event?: string;
  statusCode?: number;
  requestState?: string;
}

export type StartLineResult = { ok: true; line: StartLine } | { ok: false; error: MrcpParseError };

const NAME = /^[A-Z][A-Z0-9-]*$/;
const VERSION = /^MRCP\/\d+\.\d+$/;
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');

/** RFC 7230 tchar, the characters of a header field name. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TCHAR[c.charCodeAt(0)] = 1;

function isFieldName(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return end > 0;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Parses `MRCP/2.0 <len> ...` (without CRLF). The length is read first so that a message with a
 * bad later token can still be skipped and answered (non-fatal errors carry what was read).
 */
export function parseStartLine(text: string, maxLength: number): StartLineResult {
  const t = text.split(' ');
  const fail = (e: MrcpParseError): StartLineResult => ({ ok: false, error: e });
  if (t.length < 4 || t.length > 5 || (t[0] !== MRCP_VERSION && !VERSION.test(t[0] as string))) {
    return fail(
      parseError('bad-start-line', `not an MRCPv2 start line: ${JSON.stringify(text.slice(0, 64))}`),
    );
  }
  const lenText = t[1] as string;
  if (!isDigits(lenText) || lenText.length > 19)
    return fail(parseError('bad-message-length', 'message-length is not 1*19DIGIT'));
  const length = lenText.length > 15 ? Number.MAX_SAFE_INTEGER : Number(lenText);
  const version = t[0] as string;
  const third = t[2] as string;
  let line: StartLine;
  if (t.length === 4) {
    // request-line = mrcp-version SP message-length SP method-name SP request-id
    line = { kind: 'request', version, length, requestId: NaN, method: third };
    if (!isMethod(third) && !NAME.test(third))
      return fail(parseError('bad-start-line', 'method-name is not a token'));
    line.requestId = readId(t[3] as string);
  } else if (isDigits(third)) {
    // response-line = mrcp-version SP message-length SP request-id SP status-code SP request-state
    line = { kind: 'response', version, length, requestId: readId(third), requestState: t[4] as string };
    const sc = t[3] as string;
    line.statusCode = sc.length === 3 && isDigits(sc) ? Number(sc) : NaN;
  } else {
    // event-line = mrcp-version SP message-length SP event-name SP request-id SP request-state
    line = {
      kind: 'event',
      version,
      length,
      requestId: readId(t[3] as string),
      event: third,
      requestState: t[4] as string,
    };
    if (!isEventName(third) && !NAME.test(third))
      return fail(parseError('bad-start-line', 'event-name is not a token'));
  }
  if (length > maxLength)
    return fail(
      withLine(parseError('message-too-large', `message-length ${lenText} exceeds ${maxLength}`), line),
    );
  if (version !== MRCP_VERSION) return fail(withLine(parseError('bad-version', `version ${version}`), line));
  if (Number.isNaN(line.requestId))
    return fail(withLine(parseError('bad-request-id', 'request-id is not 1*10DIGIT'), line));
  if (line.kind === 'response' && Number.isNaN(line.statusCode))
    return fail(withLine(parseError('bad-status-code', 'status-code is not 3DIGIT'), line));
  if (line.kind !== 'request' && !isRequestState(line.requestState ?? ''))
    return fail(withLine(parseError('bad-request-state', `request-state ${line.requestState}`), line));
  return { ok: true, line };
}

function readId(s: string): number {
  if (s.length > 10 || !isDigits(s)) return NaN;
  const n = Number(s);
  return n <= 4294967295 ? n : NaN;
}

function withLine(e: MrcpParseError, line: StartLine): MrcpParseError {
  e.kind = line.kind;
  if (!Number.isNaN(line.requestId)) e.requestId = line.requestId;
  if (line.method !== undefined) e.method = line.method;
  return e;
}

export type MessageResult = { ok: true; message: MrcpMessage } | { ok: false; error: MrcpParseError };

/**
 * Parses the header section and body of a message whose start line ends at `lineEnd` (the index
 * of its CR) inside `buf`, which holds exactly the message (`buf.length === line.length`).
 */
export function parseFramed(
  buf: Uint8Array,
  line: StartLine,
  lineEnd: number,
  maxHeaders: number,
): MessageResult {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const fail = (e: MrcpParseError): MessageResult => ({ ok: false, error: withLine(e, line) });
  // The header section ends at the first empty line; with no headers that is right after the start line.
  const end = b.indexOf(HEADER_END, lineEnd);
  if (end < 0) return fail(parseError('missing-header-end', 'no empty line ends the header section'));
  const headers: HeaderField[] = [];
  let declared: string | undefined;
  if (end > lineEnd) {
    const block = b.toString('utf8', lineEnd + 2, end);
    let pos = 0;
    while (pos <= block.length) {
      let eol = block.indexOf('\r\n', pos);
      if (eol < 0) eol = block.length;
      const l = block.slice(pos, eol);
      pos = eol + 2;
      const first = l.charCodeAt(0);
      if (first === 32 || first === 9) {
        // obs-fold continuation (§15 LWS): belongs to the previous field.
        const prev = headers[headers.length - 1];
        if (!prev) return fail(parseError('bad-header', 'continuation line before any header'));
        const raw = (prev.raw ?? ` ${prev.value}`) + '\r\n' + l;
        prev.raw = raw;
        prev.value = raw.replace(/\r\n[ \t]+/g, ' ').trim();
        continue;
      }
      const colon = l.indexOf(':');
      if (colon <= 0)
        return fail(
          parseError('bad-header', `header line without a name: ${JSON.stringify(l.slice(0, 40))}`),
        );
      if (!isFieldName(l, colon)) {
        return fail(
          parseError('bad-header', `bad header name ${JSON.stringify(l.slice(0, Math.min(colon, 40)))}`),
        );
      }
      if (headers.length >= maxHeaders)
        return fail(parseError('too-many-headers', `more than ${maxHeaders} headers`));
      const name = l.slice(0, colon);
      const rawText = l.slice(colon + 1);
      const value = rawText.trim();
      const field: HeaderField = { name, value };
      if (rawText.length !== value.length + 1 || rawText.charCodeAt(0) !== 32) field.raw = rawText;
      headers.push(field);
      if (colon === 14 && name.toLowerCase() === 'content-length') declared = value;
    }
  }
  const body = b.subarray(end + 4);
  if (
    declared !== undefined
      ? !/^\d{1,19}$/.test(declared) || Number(declared) !== body.length
      : body.length !== 0
  ) {
    return fail(
      parseError(
        'content-length-mismatch',
        `Content-Length ${declared ?? 'absent'} but ${body.length} body octets`,
      ),
    );
  }
  const base = { version: line.version, requestId: line.requestId, headers, body };
  if (line.kind === 'request')
    return { ok: true, message: { kind: 'request', method: line.method as string, ...base } };
  const requestState = line.requestState as 'COMPLETE';
  if (line.kind === 'response') {
    return {
      ok: true,
      message: { kind: 'response', statusCode: line.statusCode as number, requestState, ...base },
    };
  }
  return { ok: true, message: { kind: 'event', event: line.event as string, requestState, ...base } };
}

/** Parses one whole message held in `buf` (no trailing bytes). */
export function parseMessage(
  buf: Uint8Array,
  opts: { maxMessageSize?: number; maxHeaders?: number } = {},
): MessageResult {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const cr = b.indexOf('\r\n');
  if (cr < 0 || cr > 512)
    return { ok: false, error: parseError('bad-start-line', 'no CRLF ends the start line') };
  const sl = parseStartLine(b.toString('latin1', 0, cr), opts.maxMessageSize ?? 1 << 20);
  if (!sl.ok) return sl;
  if (sl.line.length !== b.length) {
    return {
      ok: false,
      error: withLine(
        parseError('bad-message-length', `message-length ${sl.line.length}, got ${b.length} octets`),
        sl.line,
      ),
    };
  }
  return parseFramed(b, sl.line, cr, opts.maxHeaders ?? 128);
}
