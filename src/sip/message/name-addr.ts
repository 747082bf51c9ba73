/**
 * name-addr / addr-spec values of From, To, Contact, Route, Record-Route, Refer-To and the like
 * (RFC 3261 §20.10, §25.1): `"Display" <uri>;params` or `uri;params`. In the addr-spec form the
 * URI cannot carry `;` parameters, `?` headers or `,` (they would belong to the header), so such
 * a value is rejected as RFC 4475 §3.1.2.13 asks.
 */
import { isWs, TOKEN } from './grammar.js';
import { formatParams, type Param } from './params.js';
import { formatUri, parseUri, type Uri } from './uri.js';

export interface NameAddr {
  /** Display name, unquoted (quoted-pair escapes removed); null when absent. */
  displayName: string | null;
  uri: Uri;
  params: Param[];
}

/** Parses a header's generic-params from `s[i]` (expects `;` or the end). */
export function parseGenericParams(s: string, i: number, out: Param[]): number | string {
  const n = s.length;
  while (true) {
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (i >= n) return i;
    if (s.charCodeAt(i) !== 0x3b) return i;
    i++;
    while (i < n && isWs(s.charCodeAt(i))) i++;
    const ns = i;
    while (i < n && isTokenChar(s.charCodeAt(i))) i++;
    if (i === ns) return 'empty parameter';
    const name = s.slice(ns, i);
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) !== 0x3d) {
      out.push({ name, value: null });
      continue;
    }
    i++;
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) === 0x22) {
      const end = quotedEnd(s, i);
      if (end < 0) return 'unterminated quoted string';
      out.push({ name, value: s.slice(i, end) });
      i = end;
      continue;
    }
    const vs = i;
    // gen-value = token / host / quoted-string: token characters plus the IPv6 reference ones.
    while (i < n) {
      const c = s.charCodeAt(i);
      if (!(isTokenChar(c) || c === 0x3a || c === 0x5b || c === 0x5d)) break;
      i++;
    }
    if (i === vs) return `parameter ${name} has an empty value`;
    out.push({ name, value: s.slice(vs, i) });
  }
}

function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

/** Index just past the closing quote of the quoted-string starting at s[i], or -1. */
export function quotedEnd(s: string, i: number): number {
  for (let k = i + 1; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x5c) k++;
    else if (c === 0x22) return k + 1;
  }
  return -1;
}

export function unquote(q: string): string {
  const inner = q.slice(1, -1);
  return inner.indexOf('\\') === -1 ? inner : inner.replace(/\\([\s\S])/g, '$1');
}

export function quote(s: string): string {
  return '"' + s.replace(/(["\\])/g, '\\$1') + '"';
}

/** Parses one name-addr or addr-spec value with its parameters; returns a reason on failure. */
export function parseNameAddr(s: string): NameAddr | string {
  const n = s.length;
  let i = 0;
  while (i < n && isWs(s.charCodeAt(i))) i++;
  if (i >= n) return 'empty value';
  let displayName: string | null = null;
  let uriText: string;
  const c = s.charCodeAt(i);
  let lt = -1;
  if (c === 0x22) {
    const end = quotedEnd(s, i);
    if (end < 0) return 'unterminated quoted string';
    displayName = unquote(s.slice(i, end));
    i = end;
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) !== 0x3c) return 'quoted display name not followed by <';
    lt = i;
  } else if (c === 0x3c) {
    lt = i;
  } else {
    // Either `token token <uri>` or a bare addr-spec: a `<` decides.
    const k = s.indexOf('<', i);
    if (k !== -1 && !/[;"]/.test(s.slice(i, k))) {
      const words = s.slice(i, k).trim();
      for (let w = 0; w < words.length; w++) {
        const wc = words.charCodeAt(w);
        if (!isTokenChar(wc) && !isWs(wc)) return 'display name is neither a token sequence nor quoted';
      }
      displayName = words.length ? words.replace(/[ \t]+/g, ' ') : null;
      lt = k;
    }
  }
  if (lt !== -1) {
    const gt = s.indexOf('>', lt + 1);
    if (gt === -1) return 'missing >';
    uriText = s.slice(lt + 1, gt);
    if (uriText.length === 0 || isWs(uriText.charCodeAt(0)) || isWs(uriText.charCodeAt(uriText.length - 1))) {
      return 'whitespace inside < >';
    }
    i = gt + 1;
  } else {
    let k = i;
    while (k < n) {
      const ch = s.charCodeAt(k);
      if (ch === 0x3b || isWs(ch)) break;
      if (ch === 0x3f || ch === 0x2c || ch === 0x3c || ch === 0x3e || ch === 0x22) {
        return 'addr-spec with ?, comma or quotes must be enclosed in < >';
      }
      k++;
    }
    uriText = s.slice(i, k);
    i = k;
  }
  const uri = parseUri(uriText);
  if (typeof uri === 'string') return uri;
  const params: Param[] = [];
  const end = parseGenericParams(s, i, params);
  if (typeof end === 'string') return end;
  if (end !== n) return `unexpected text after value: "${s.slice(end, end + 20)}"`;
  return { displayName, uri, params };
}

export function formatNameAddr(v: NameAddr): string {
  const u = formatUri(v.uri);
  const dn = v.displayName !== null ? quote(v.displayName) + ' ' : '';
  return `${dn}<${u}>${formatParams(v.params)}`;
}
