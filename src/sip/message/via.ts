/**
 * Via (RFC 3261 §20.42, §25.1) with branch, received and rport (RFC 3581). LWS is allowed around
 * the slashes of sent-protocol (RFC 4475 §3.1.1.1); `received` accepts IPv6 with or without
 * brackets (RFC 5118 §4.5).
 */
import { isDigits, isWs, TOKEN } from './grammar.js';
import { parseGenericParams } from './name-addr.js';
import { formatParams, getParam, type Param } from './params.js';
import { isHostname, isIpv6, isIpv6Ref } from './uri.js';

export interface Via {
  protocol: string;
  version: string;
  /** Upper-cased transport token (UDP, TCP, TLS, SCTP, WS...). */
  transport: string;
  /** sent-by host as written (IPv6 in brackets). */
  host: string;
  port: number | null;
  params: Param[];
  /** branch parameter, or null when absent. */
  branch: string | null;
}

/** The RFC 3261 branch magic cookie (§8.1.1.7). */
export const MAGIC_COOKIE = 'z9hG4bK';

function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

function token(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c > 127 || TOKEN[c] !== 1) break;
    i++;
  }
  return i;
}

/** Parses one via-parm (a Via header value already split at commas). */
export function parseVia(s: string): Via | string {
  let i = skipWs(s, 0);
  const parts: string[] = [];
  for (let k = 0; k < 3; k++) {
    if (k > 0) {
      i = skipWs(s, i);
      if (s.charCodeAt(i) !== 0x2f) return 'bad sent-protocol';
      i = skipWs(s, i + 1);
    }
    const e = token(s, i);
    if (e === i) return 'bad sent-protocol';
    parts.push(s.slice(i, e));
    i = e;
  }
  const hs = skipWs(s, i);
  if (hs === i) return 'no space before sent-by';
  i = hs;
  let host: string;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    if (close === -1) return 'unterminated IPv6 reference';
    host = s.slice(i, close + 1);
    if (!isIpv6Ref(host)) return 'bad IPv6 reference';
    i = close + 1;
  } else {
    let e = i;
    while (e < s.length) {
      const c = s.charCodeAt(e);
      if (c === 0x3a || c === 0x3b || isWs(c)) break;
      e++;
    }
    host = s.slice(i, e);
    if (!isHostname(host)) return 'bad sent-by host';
    i = e;
  }
  let port: number | null = null;
  i = skipWs(s, i);
  if (s.charCodeAt(i) === 0x3a) {
    i = skipWs(s, i + 1);
    let e = i;
    while (e < s.length && s.charCodeAt(e) >= 0x30 && s.charCodeAt(e) <= 0x39) e++;
    const p = s.slice(i, e);
    if (!isDigits(p) || p.length > 5 || Number(p) > 65535 || Number(p) === 0) return 'bad sent-by port';
    port = Number(p);
    i = e;
  }
  const params: Param[] = [];
  const end = parseGenericParams(s, i, params);
  if (typeof end === 'string') return end;
  if (end !== s.length) return 'unexpected text in Via';
  for (const p of params) {
    const name = p.name.toLowerCase();
    if (name === 'received' && p.value !== null) {
      const v = p.value;
      if (!(isIpv6Ref(v) || isIpv6(v) || isIpv4(v))) return 'bad received parameter';
    } else if (name === 'rport' && p.value !== null && (!isDigits(p.value) || Number(p.value) > 65535)) {
      return 'bad rport parameter';
    } else if (name === 'branch' && p.value === null) {
      return 'branch without value';
    } else if (name === 'ttl' && (p.value === null || !isDigits(p.value) || Number(p.value) > 255)) {
      return 'bad ttl parameter';
    }
  }
  const branch = getParam(params, 'branch');
  return {
    protocol: parts[0]!,
    version: parts[1]!,
    transport: parts[2]!.toUpperCase(),
    host,
    port,
    params,
    branch: branch ?? null,
  };
}

export function isIpv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) if (!isDigits(p) || p.length > 3 || Number(p) > 255) return false;
  return true;
}

export function formatVia(v: Via): string {
  const port = v.port !== null ? `:${v.port}` : '';
  return `${v.protocol}/${v.version}/${v.transport} ${v.host}${port}${formatParams(v.params)}`;
}
