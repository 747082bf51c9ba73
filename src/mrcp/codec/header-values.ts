/**
 * Typed header values: one parser and one printer per value kind of `header-table.ts`, and
 * `getHeader(headers, name)` whose result type derives from the table. Parsers never throw; a bad
 * value is `{ ok: false }` so the server can answer 404 (illegal value) naming the header.
 */
import { HEADER_TABLE, headerInfo, type HeaderKind, type HeaderName, type KindOf } from './header-table.js';
import { findHeader, type HeaderField } from './message.js';

export interface ChannelId {
  sessionId: string;
  resource: string;
}
export interface CompletionCauseValue {
  code: number;
  name: string;
}
export interface VendorParam {
  name: string;
  value: string;
}
export interface ContentTypeValue {
  /** Lower-cased `type/subtype`. */
  mediaType: string;
  params: Record<string, string>;
}
export interface SpeechMarkerValue {
  timestamp: bigint;
  marker?: string;
}

export interface KindValues {
  text: string;
  uint: number;
  bool: boolean;
  float: number;
  cause: CompletionCauseValue;
  'id-list': number[];
  vendor: VendorParam[];
  'channel-id': ChannelId;
  'content-type': ContentTypeValue;
  'speech-marker': SpeechMarkerValue;
  'dtmf-char': string;
}

export type ValueResult<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): ValueResult<T> => ({ ok: true, value });
const bad = (reason: string): ValueResult<never> => ({ ok: false, reason });

const UINT = /^\d{1,19}$/;
const FLOAT01 = /^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/;
const REQUEST_ID = /^\d{1,10}$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function parseUint(s: string): ValueResult<number> {
  if (!UINT.test(s)) return bad('not an unsigned integer');
  const n = Number(s);
  return Number.isSafeInteger(n) ? ok(n) : bad('integer too large');
}

function parseIdList(s: string): ValueResult<number[]> {
  const ids: number[] = [];
  for (const part of s.split(',')) {
    const t = part.trim();
    if (!REQUEST_ID.test(t)) return bad('request-id list item is not 1*10DIGIT');
    ids.push(Number(t));
  }
  return ok(ids);
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s;
}

/** §6.2.16: vendor-av-pair *(";" vendor-av-pair); a value may be a quoted string containing ";". */
function parseVendor(s: string): ValueResult<VendorParam[]> {
  const out: VendorParam[] = [];
  let i = 0;
  while (i < s.length) {
    let j = i;
    let quoted = false;
    for (; j < s.length; j++) {
      const c = s[j];
      if (c === '"' && s[j - 1] !== '\\') quoted = !quoted;
      else if (c === ';' && !quoted) break;
    }
    const item = s.slice(i, j).trim();
    i = j + 1;
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim();
    if (!TOKEN.test(name)) return bad('vendor parameter name is not a token');
    out.push({ name, value: eq < 0 ? '' : unquote(item.slice(eq + 1).trim()) });
  }
  return ok(out);
}

function parseContentType(s: string): ValueResult<ContentTypeValue> {
  const parts = s.split(';');
  const mediaType = (parts[0] ?? '').trim().toLowerCase();
  const slash = mediaType.indexOf('/');
  if (slash <= 0 || slash === mediaType.length - 1) return bad('not type/subtype');
  const params: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = unquote(p.slice(eq + 1).trim());
  }
  return ok({ mediaType, params });
}

function parseKind(kind: HeaderKind, s: string): ValueResult<KindValues[HeaderKind]> {
  switch (kind) {
    case 'text':
      return ok(s);
    case 'uint':
      return parseUint(s);
    case 'bool': {
      const l = s.toLowerCase();
      return l === 'true' ? ok(true) : l === 'false' ? ok(false) : bad('not true/false');
    }
    case 'float':
      return FLOAT01.test(s) ? ok(Number(s)) : bad('not a number in 0.0-1.0');
    case 'cause': {
      const m = /^(\d{3})\s+(\S+)$/.exec(s);
      return m ? ok({ code: Number(m[1]), name: m[2] as string }) : bad('not "NNN name"');
    }
    case 'id-list':
      return parseIdList(s);
    case 'vendor':
      return parseVendor(s);
    case 'channel-id': {
      const at = s.indexOf('@');
      if (at <= 0 || at === s.length - 1 || s.indexOf('@', at + 1) >= 0 || /\s/.test(s))
        return bad('not session-id@resource');
      return ok({ sessionId: s.slice(0, at), resource: s.slice(at + 1) });
    }
    case 'content-type':
      return parseContentType(s);
    case 'speech-marker': {
      const m = /^timestamp=(\d{1,20})(?:;(.+))?$/.exec(s);
      if (!m) return bad('not timestamp=N[;marker]');
      const v: SpeechMarkerValue = { timestamp: BigInt(m[1] as string) };
      if (m[2] !== undefined) v.marker = m[2];
      return ok(v);
    }
    case 'dtmf-char':
      return /^[0-9*#A-Da-d]$/.test(s) ? ok(s.toUpperCase()) : bad('not a DTMF character');
  }
}

/** Parses a header value of a given kind. */
export function parseHeaderValue<K extends HeaderKind>(kind: K, value: string): ValueResult<KindValues[K]> {
  return parseKind(kind, value) as ValueResult<KindValues[K]>;
}

/** Prints a typed value in the wire form its kind uses. */
export function formatHeaderValue<K extends HeaderKind>(kind: K, value: KindValues[K]): string {
  const v = value as KindValues[HeaderKind];
  switch (kind) {
    case 'cause': {
      const c = v as CompletionCauseValue;
      return `${String(c.code).padStart(3, '0')} ${c.name}`;
    }
    case 'id-list':
      return (v as number[]).join(',');
    case 'vendor':
      return (v as VendorParam[])
        .map((p) =>
          /[;"\s]/.test(p.value)
            ? `${p.name}="${p.value.replace(/(["\\])/g, '\\$1')}"`
            : `${p.name}=${p.value}`,
        )
        .join(';');
    case 'channel-id': {
      const c = v as ChannelId;
      return `${c.sessionId}@${c.resource}`;
    }
    case 'content-type': {
      const c = v as ContentTypeValue;
      return [c.mediaType, ...Object.entries(c.params).map(([k, pv]) => `${k}=${pv}`)].join(';');
    }
    case 'speech-marker': {
      const m = v as SpeechMarkerValue;
      return m.marker === undefined ? `timestamp=${m.timestamp}` : `timestamp=${m.timestamp};${m.marker}`;
    }
    default:
      return String(v);
  }
}

/** Header lookup result: absent, a typed value, or the reason the value is illegal. */
export type HeaderLookup<T> =
  { present: false } | { present: true; ok: true; value: T } | { present: true; ok: false; reason: string };

/**
 * Reads the first header `name` as its table kind: `getHeader(h, 'No-Input-Timeout')` is a number,
 * `getHeader(h, 'Completion-Cause')` a `{ code, name }`.
 */
export function getHeader<N extends HeaderName>(
  headers: readonly HeaderField[],
  name: N,
): HeaderLookup<KindValues[KindOf<N>]> {
  const field = findHeader(headers, name);
  if (!field) return { present: false };
  const kind = (headerInfo(name) as { kind: HeaderKind }).kind;
  const r = parseKind(kind, field.value);
  return r.ok
    ? { present: true, ok: true, value: r.value as KindValues[KindOf<N>] }
    : { present: true, ok: false, reason: r.reason };
}

/** The typed value, or `fallback` when absent or illegal. */
export function headerOr<N extends HeaderName>(
  headers: readonly HeaderField[],
  name: N,
  fallback: KindValues[KindOf<N>],
): KindValues[KindOf<N>] {
  const r = getHeader(headers, name);
  return r.present && r.ok ? r.value : fallback;
}

/** Prints a typed value for a known header name. */
export function formatHeader<N extends HeaderName>(name: N, value: KindValues[KindOf<N>]): HeaderField {
  const row = HEADER_TABLE.find((h) => h.name === name) as { kind: HeaderKind };
  return { name, value: formatHeaderValue(row.kind, value as KindValues[HeaderKind]) };
}

/** Validates every known header of a list; the first illegal one, if any (for a 404 answer). */
export function firstIllegalHeader(
  headers: readonly HeaderField[],
): { name: string; reason: string } | undefined {
  for (const h of headers) {
    const info = headerInfo(h.name);
    if (!info) continue;
    const r = parseKind(info.kind, h.value);
    if (!r.ok) return { name: h.name, reason: r.reason };
  }
  return undefined;
}
