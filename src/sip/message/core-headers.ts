/**
 * The headers every request and response must carry (RFC 3261 §8.1.1, §8.2, §20), parsed and
 * checked once when a message arrives: Call-ID, CSeq, From, To, Via and, when present,
 * Max-Forwards and Date. A failure is a coded error carrying the message, so a UAS can still
 * answer 400 (RFC 4475 §3.1.2, §3.3.1, §3.3.8).
 */
import { parseError, type ParseErrorCode, type SipParseError } from './errors.js';
import { isDigits, isToken, splitList, WORD } from './grammar.js';
import type { SipHeader } from './headers.js';
import type { SipMessage, SipRequest } from './message.js';
import { parseNameAddr, type NameAddr } from './name-addr.js';
import { getParam } from './params.js';
import { parseUri, type Uri } from './uri.js';
import { parseVia, type Via } from './via.js';

export interface CoreHeaders {
  callId: string;
  cseq: number;
  cseqMethod: string;
  from: NameAddr;
  fromTag: string | null;
  to: NameAddr;
  toTag: string | null;
  /** Every Via value, top first. */
  vias: Via[];
  maxForwards: number | null;
  /** The parsed Request-URI (requests only). */
  requestUri: Uri | null;
}

const MAX_U32 = 4294967295;
const DATE_RE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function fail(
  code: ParseErrorCode,
  message: string,
  header: string | undefined,
  msg: SipMessage,
): SipParseError {
  return parseError(code, message, header, msg);
}

function isCallId(s: string): boolean {
  if (s.length === 0) return false;
  let at = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x40) {
      if (++at > 1 || i === 0 || i === s.length - 1) return false;
    } else if (c > 127 || WORD[c] !== 1) return false;
  }
  return true;
}

/** Parses a CSeq value `1*DIGIT LWS Method`; null if malformed or above 2^32-1. */
export function parseCSeq(v: string): { seq: number; method: string } | null {
  const m = /^(\d{1,10})[ \t]+(\S+)$/.exec(v);
  if (!m) return null;
  const seq = Number(m[1]);
  if (seq > MAX_U32 || !isToken(m[2]!)) return null;
  return { seq, method: m[2]! };
}

/** Parses and checks the core headers; the message is the error's `partial`. */
export function parseCoreHeaders(msg: SipMessage): CoreHeaders | SipParseError {
  if (msg.version !== 'SIP/2.0') {
    return fail('version_not_supported', `${msg.version} is not supported`, undefined, msg);
  }
  let callIdH: SipHeader | undefined;
  let cseqH: SipHeader | undefined;
  let fromH: SipHeader | undefined;
  let toH: SipHeader | undefined;
  let mfH: SipHeader | undefined;
  const viaLines: SipHeader[] = [];
  const lines = msg.headers.lines;
  for (let i = 0; i < lines.length; i++) {
    const h = lines[i]!;
    switch (h.key) {
      case 'via':
        viaLines.push(h);
        break;
      case 'call-id':
        if (callIdH) return fail('duplicate_header', 'more than one Call-ID', h.key, msg);
        callIdH = h;
        break;
      case 'cseq':
        if (cseqH) return fail('duplicate_header', 'more than one CSeq', h.key, msg);
        cseqH = h;
        break;
      case 'from':
        if (fromH) return fail('duplicate_header', 'more than one From', h.key, msg);
        fromH = h;
        break;
      case 'to':
        if (toH) return fail('duplicate_header', 'more than one To', h.key, msg);
        toH = h;
        break;
      case 'max-forwards':
        if (mfH) return fail('duplicate_header', 'more than one Max-Forwards', h.key, msg);
        mfH = h;
        break;
      case 'contact':
        if (h.value !== '*') {
          const parts = splitList(h.value);
          if (parts === null)
            return fail('bad_header_value', 'Contact: unterminated quoted string', h.key, msg);
          for (const p of parts) {
            const c = parseNameAddr(p);
            if (typeof c === 'string') return fail('bad_header_value', `Contact: ${c}`, h.key, msg);
          }
        }
        break;
      case 'date':
        if (!DATE_RE.test(h.value))
          return fail('bad_header_value', 'Date is not an RFC 1123 GMT date', h.key, msg);
        break;
    }
  }
  if (viaLines.length === 0) return fail('missing_header', 'no Via', 'via', msg);
  if (!callIdH) return fail('missing_header', 'no Call-ID', 'call-id', msg);
  if (!cseqH) return fail('missing_header', 'no CSeq', 'cseq', msg);
  if (!fromH) return fail('missing_header', 'no From', 'from', msg);
  if (!toH) return fail('missing_header', 'no To', 'to', msg);

  if (!isCallId(callIdH.value)) return fail('bad_header_value', 'malformed Call-ID', 'call-id', msg);
  const cseq = parseCSeq(cseqH.value);
  if (!cseq) return fail('bad_header_value', 'malformed CSeq or number above 2^32-1', 'cseq', msg);
  if (msg.kind === 'request' && cseq.method !== msg.method) {
    return fail('cseq_method_mismatch', `CSeq method ${cseq.method} differs from ${msg.method}`, 'cseq', msg);
  }
  const from = parseNameAddr(fromH.value);
  if (typeof from === 'string') return fail('bad_header_value', `From: ${from}`, 'from', msg);
  const to = parseNameAddr(toH.value);
  if (typeof to === 'string') return fail('bad_header_value', `To: ${to}`, 'to', msg);
  const vias: Via[] = [];
  for (const line of viaLines) {
    const parts = splitList(line.value);
    if (parts === null) return fail('bad_header_value', 'Via: unterminated quoted string', 'via', msg);
    for (const p of parts) {
      if (p.length === 0) return fail('bad_header_value', 'Via: empty value', 'via', msg);
      const v = parseVia(p);
      if (typeof v === 'string') return fail('bad_header_value', `Via: ${v}`, 'via', msg);
      vias.push(v);
    }
  }
  let maxForwards: number | null = null;
  if (mfH) {
    if (!isDigits(mfH.value) || mfH.value.length > 5 || Number(mfH.value) > 255) {
      return fail('bad_header_value', 'Max-Forwards is not 0-255', 'max-forwards', msg);
    }
    maxForwards = Number(mfH.value);
  }
  let requestUri: Uri | null = null;
  if (msg.kind === 'request') {
    const u = checkRequestUri(msg);
    if (typeof u === 'string') return fail('bad_request_uri', u, undefined, msg);
    requestUri = u;
  }
  const fromTag = getParam(from.params, 'tag');
  const toTag = getParam(to.params, 'tag');
  return {
    callId: callIdH.value,
    cseq: cseq.seq,
    cseqMethod: cseq.method,
    from,
    fromTag: fromTag ?? null,
    to,
    toTag: toTag ?? null,
    vias,
    maxForwards,
    requestUri,
  };
}

function checkRequestUri(req: SipRequest): Uri | string {
  const u = parseUri(req.uri);
  if (typeof u === 'string') return `Request-URI: ${u}`;
  // §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
  if (u.type === 'sip' && u.headers.length) return 'Request-URI carries URI headers';
  return u;
}
