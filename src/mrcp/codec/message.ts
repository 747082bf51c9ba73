/**
 * The MRCPv2 message model (RFC 6787 §5): requests, responses and events with their headers in
 * wire order (unknown and duplicate headers kept) and the body as bytes.
 */
import type { RequestState } from './tables.js';

/**
 * One header line. `value` is the field value without leading/trailing whitespace. `raw`, set only
 * by the parser when it differs from `' ' + value`, is the exact text after the colon so that a
 * parsed message prints back byte for byte.
 */
export interface HeaderField {
  name: string;
  value: string;
  raw?: string;
}

interface MessageBase {
  /** `MRCP/2.0` normally; kept as received. */
  version: string;
  requestId: number;
  headers: HeaderField[];
  /** Body bytes (a view into the received buffer when possible; never mutate it). */
  body: Uint8Array;
}

/** `MRCP/2.0 <len> <method> <request-id>` (§5.2). `method` may be an unknown extension name. */
export interface MrcpRequest extends MessageBase {
  kind: 'request';
  method: string;
}

/** `MRCP/2.0 <len> <request-id> <status-code> <request-state>` (§5.3). */
export interface MrcpResponse extends MessageBase {
  kind: 'response';
  statusCode: number;
  requestState: RequestState;
}

/** `MRCP/2.0 <len> <event-name> <request-id> <request-state>` (§5.5). */
export interface MrcpEvent extends MessageBase {
  kind: 'event';
  event: string;
  requestState: RequestState;
}

export type MrcpMessage = MrcpRequest | MrcpResponse | MrcpEvent;

export const EMPTY_BODY: Uint8Array = new Uint8Array(0);

/** First header named `name` (case-insensitive, §6.2), or undefined. */
export function findHeader(headers: readonly HeaderField[], name: string): HeaderField | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) {
    if (h.name.length === lower.length && h.name.toLowerCase() === lower) return h;
  }
  return undefined;
}

/** Value of the first header named `name`, or undefined. */
export function headerValue(headers: readonly HeaderField[], name: string): string | undefined {
  return findHeader(headers, name)?.value;
}

/** Every header named `name`, in order. */
export function headerValues(headers: readonly HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

/** Replaces the first header `name` (dropping later duplicates) or appends it. Returns a new array. */
export function withHeader(headers: readonly HeaderField[], name: string, value: string): HeaderField[] {
  const lower = name.toLowerCase();
  const out: HeaderField[] = [];
  let done = false;
  for (const h of headers) {
    if (h.name.toLowerCase() !== lower) out.push(h);
    else if (!done) {
      out.push({ name: h.name, value });
      done = true;
    }
  }
  if (!done) out.push({ name, value });
  return out;
}

/** Headers without any named `name`. */
export function withoutHeader(headers: readonly HeaderField[], name: string): HeaderField[] {
  const lower = name.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() !== lower);
}

/** Builds a header list from pairs, skipping undefined values. */
export function headerList(pairs: readonly (readonly [string, string | undefined])[]): HeaderField[] {
  const out: HeaderField[] = [];
  for (const [name, value] of pairs) if (value !== undefined) out.push({ name, value });
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
/** The body decoded as UTF-8 (lossy for invalid sequences). */
export function bodyText(m: { body: Uint8Array }): string {
  return m.body.length === 0 ? '' : utf8.decode(m.body);
}
