/**
 * SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966) and any other absoluteURI kept opaque.
 * Components are kept as written (escapes included) so a URI prints back as it came;
 * comparisons (§19.1.4) unescape first. IPv6 references keep their brackets (RFC 5118).
 */
import {
  allIn,
  escapesValid,
  HNV,
  isDigits,
  PARAMCHAR,
  PASSWORD,
  SCHEME,
  TEL,
  unescape,
  USER,
} from './grammar.js';
import { formatParams, getParam, type Param } from './params.js';

export interface SipUri {
  readonly type: 'sip';
  scheme: 'sip' | 'sips';
  user: string | null;
  password: string | null;
  /** Host as written; IPv6 references keep their brackets. */
  host: string;
  port: number | null;
  params: Param[];
  /** `?name=value&...` headers (never allowed in a Request-URI, §19.1.1). */
  headers: Param[];
}

export interface TelUri {
  readonly type: 'tel';
  scheme: 'tel';
  number: string;
  params: Param[];
}

/** Any other scheme (RFC 4475 §3.3.2): kept opaque, rejected with 416 where a SIP URI is needed. */
export interface OtherUri {
  readonly type: 'other';
  scheme: string;
  opaque: string;
}

export type Uri = SipUri | TelUri | OtherUri;

/** Parses a URI; returns a reason string on failure. */
export function parseUri(s: string): Uri | string {
  const colon = s.indexOf(':');
  if (colon <= 0) return 'no scheme';
  const c0 = s.charCodeAt(0);
  if (!((c0 >= 0x41 && c0 <= 0x5a) || (c0 >= 0x61 && c0 <= 0x7a)) || !allIn(SCHEME, s, 0, colon)) {
    return 'bad scheme';
  }
  const scheme = s.slice(0, colon).toLowerCase();
  const rest = s.slice(colon + 1);
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(scheme, rest);
  if (scheme === 'tel') return parseTelUri(rest);
  if (rest.length === 0) return 'empty URI';
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x3c || c === 0x3e || c === 0x22) return 'bad character in URI';
  }
  return { type: 'other', scheme, opaque: rest };
}

function parseSipUri(scheme: 'sip' | 'sips', s: string): SipUri | string {
  let user: string | null = null;
  let password: string | null = null;
  let i = 0;
  const at = s.indexOf('@');
  if (at !== -1) {
    const pc = s.indexOf(':');
    const userEnd = pc !== -1 && pc < at ? pc : at;
    user = s.slice(0, userEnd);
    if (user.length === 0 || !allIn(USER, user) || !escapesValid(user)) return 'bad user part';
    if (userEnd < at) {
      password = s.slice(userEnd + 1, at);
      if (!allIn(PASSWORD, password) || !escapesValid(password)) return 'bad password';
    }
    i = at + 1;
  }
  let hostEnd: number;
  let host: string;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    if (close === -1) return 'unterminated IPv6 reference';
    host = s.slice(i, close + 1);
    if (!isIpv6Ref(host)) return 'bad IPv6 reference';
    hostEnd = close + 1;
  } else {
    hostEnd = i;
    while (hostEnd < s.length) {
      const c = s.charCodeAt(hostEnd);
      if (c === 0x3a || c === 0x3b || c === 0x3f) break;
      hostEnd++;
    }
    host = s.slice(i, hostEnd);
    if (!isHostname(host)) return 'bad host';
  }
  let port: number | null = null;
  let j = hostEnd;
  if (s.charCodeAt(j) === 0x3a) {
    let k = j + 1;
    while (k < s.length && s.charCodeAt(k) !== 0x3b && s.charCodeAt(k) !== 0x3f) k++;
    const p = s.slice(j + 1, k);
    if (!isDigits(p) || p.length > 5 || Number(p) > 65535) return 'bad port';
    port = Number(p);
    j = k;
  }
  const params: Param[] = [];
  while (s.charCodeAt(j) === 0x3b) {
    let k = j + 1;
    while (k < s.length && s.charCodeAt(k) !== 0x3b && s.charCodeAt(k) !== 0x3f) k++;
    const p = parsePair(s.slice(j + 1, k), PARAMCHAR, false);
    if (typeof p === 'string') return `bad URI parameter: ${p}`;
    params.push(p);
    j = k;
  }
  const headers: Param[] = [];
  if (s.charCodeAt(j) === 0x3f) {
    for (const part of s.slice(j + 1).split('&')) {
      const h = parsePair(part, HNV, true);
      if (typeof h === 'string') return `bad URI header: ${h}`;
      headers.push(h);
    }
    j = s.length;
  }
  if (j !== s.length) return 'unexpected character in URI';
  return { type: 'sip', scheme, user, password, host, port, params, headers };
}

function parsePair(s: string, table: Uint8Array, needValue: boolean): Param | string {
  const eq = s.indexOf('=');
  const name = eq === -1 ? s : s.slice(0, eq);
  if (name.length === 0 || !allIn(table, name) || !escapesValid(name)) return `"${s}"`;
  if (eq === -1) return needValue ? `"${s}" has no value` : { name, value: null };
  const value = s.slice(eq + 1);
  if ((!needValue && value.length === 0) || !allIn(table, value) || !escapesValid(value)) return `"${s}"`;
  return { name, value };
}

function parseTelUri(s: string): TelUri | string {
  const semi = s.indexOf(';');
  const number = semi === -1 ? s : s.slice(0, semi);
  if (number.length === 0 || !allIn(TEL, number)) return 'bad telephone number';
  const params: Param[] = [];
  if (semi !== -1) {
    for (const part of s.slice(semi + 1).split(';')) {
      const p = parsePair(part, TEL, false);
      if (typeof p === 'string') return `bad tel parameter: ${p}`;
      params.push(p);
    }
  }
  return { type: 'tel', scheme: 'tel', number, params };
}

/** hostname / IPv4address (RFC 3261 §25.1); `_` is tolerated as real hosts use it. */
export function isHostname(h: string): boolean {
  if (h.length === 0 || h.length > 255) return false;
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x2d ||
      c === 0x2e ||
      c === 0x5f;
    if (!ok) return false;
  }
  return h.charCodeAt(0) !== 0x2e && !h.includes('..');
}

/**
 * IPv6reference = "[" IPv6address "]". Hex digits, colons and a trailing dotted quad; the
 * three-colon form of RFC 5118 §4.10 is tolerated (robustness principle).
 */
export function isIpv6Ref(h: string): boolean {
  if (h.length < 4 || h.charCodeAt(0) !== 0x5b || h.charCodeAt(h.length - 1) !== 0x5d) return false;
  return isIpv6(h.slice(1, -1));
}

export function isIpv6(a: string): boolean {
  if (a.length < 2 || a.length > 45 || a.indexOf(':') === -1) return false;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x46) ||
      (c >= 0x61 && c <= 0x66) ||
      c === 0x3a ||
      c === 0x2e;
    if (!ok) return false;
  }
  return true;
}

export function formatUri(u: Uri): string {
  if (u.type === 'other') return `${u.scheme}:${u.opaque}`;
  if (u.type === 'tel') return `tel:${u.number}${formatParams(u.params)}`;
  let s = u.scheme + ':';
  if (u.user !== null) s += u.password !== null ? `${u.user}:${u.password}@` : `${u.user}@`;
  s += u.host;
  if (u.port !== null) s += ':' + u.port;
  if (u.params.length) s += formatParams(u.params);
  if (u.headers.length) s += '?' + u.headers.map((h) => `${h.name}=${h.value ?? ''}`).join('&');
  return s;
}

/** Host without IPv6 brackets, lower-cased: what a socket address compares with. */
export function bareHost(host: string): string {
  return (host.charCodeAt(0) === 0x5b ? host.slice(1, -1) : host).toLowerCase();
}

const MUST_MATCH = ['user', 'ttl', 'method', 'maddr', 'transport'];

/** SIP URI comparison of RFC 3261 §19.1.4. */
export function sipUriEquals(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme) return false;
  if ((a.user === null) !== (b.user === null)) return false;
  if (a.user !== null && unescape(a.user) !== unescape(b.user!)) return false;
  if (
    (a.password ?? '') !== (b.password ?? '') &&
    unescape(a.password ?? '') !== unescape(b.password ?? '')
  ) {
    return false;
  }
  if (bareHost(a.host) !== bareHost(b.host) || a.port !== b.port) return false;
  for (const name of MUST_MATCH) {
    const va = getParam(a.params, name);
    const vb = getParam(b.params, name);
    if ((va === undefined) !== (vb === undefined)) return false;
    if (va !== undefined && unescape(String(va)).toLowerCase() !== unescape(String(vb)).toLowerCase())
      return false;
  }
  for (const p of a.params) {
    const vb = getParam(b.params, unescape(p.name).toLowerCase());
    if (vb !== undefined && unescape(String(vb)).toLowerCase() !== unescape(String(p.value)).toLowerCase()) {
      return false;
    }
  }
  if (a.headers.length !== b.headers.length) return false;
  for (const h of a.headers) {
    const vb = getParam(b.headers, h.name.toLowerCase());
    if (vb === undefined || unescape(String(vb)) !== unescape(String(h.value))) return false;
  }
  return true;
}

/** Builds a SIP URI from parts. */
export function sipUri(
  host: string,
  opts: { user?: string; port?: number; scheme?: 'sip' | 'sips'; params?: Param[] } = {},
): SipUri {
  return {
    type: 'sip',
    scheme: opts.scheme ?? 'sip',
    user: opts.user ?? null,
    password: null,
    host: host.includes(':') && !host.startsWith('[') ? `[${host}]` : host,
    port: opts.port ?? null,
    params: opts.params ?? [],
    headers: [],
  };
}
