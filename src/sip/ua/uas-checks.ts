/**
 * The checks a UAS makes on a new request before acting on it (RFC 3261 §8.2, in that order):
 * method (405/501 with Allow), Request-URI scheme (416), Require (420 with Unsupported),
 * content (415 with Accept), and for INVITE an Accept header that excludes SDP (406,
 * RFC 4475 §3.3.15).
 */
import type { IncomingRequest } from '../transport/transport-layer.js';

export interface CheckFailure {
  status: number;
  headers: Array<[string, string]>;
}

/** Methods a SIP UA knows but voicegate does not serve: 405, not 501 (§8.2.1). */
const KNOWN_METHODS = new Set(['REGISTER', 'SUBSCRIBE', 'PUBLISH', 'MESSAGE']);
const BODY_TYPES = ['application/sdp', 'multipart/mixed', 'multipart/alternative'];
const INFO_TYPES = ['application/dtmf-relay', 'application/dtmf', 'application/json', 'text/plain'];

export function checkRequest(
  req: IncomingRequest,
  allow: readonly string[],
  supported: readonly string[],
): CheckFailure | null {
  const msg = req.msg;
  const method = msg.method;
  if (!allow.includes(method)) {
    return { status: KNOWN_METHODS.has(method) ? 405 : 501, headers: [['Allow', allow.join(', ')]] };
  }
  const uri = req.core.requestUri;
  if (uri && uri.type === 'other') return { status: 416, headers: [] };
  if (method !== 'ACK' && method !== 'CANCEL') {
    const unsupported: string[] = [];
    for (const v of msg.headers.getAll('require')) {
      for (const t of v.split(',')) {
        const tag = t.trim();
        if (tag && !supported.includes(tag.toLowerCase())) unsupported.push(tag);
      }
    }
    if (unsupported.length) return { status: 420, headers: [['Unsupported', unsupported.join(', ')]] };
  }
  if (msg.body.length) {
    const ct = (msg.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const ok =
      method === 'INFO' || method === 'MESSAGE' || method === 'NOTIFY' ? true : BODY_TYPES.includes(ct);
    const enc = msg.headers.get('content-encoding');
    if (!ok || (enc && enc.trim().toLowerCase() !== 'identity')) {
      return {
        status: 415,
        headers: [['Accept', [...BODY_TYPES, ...(method === 'INFO' ? INFO_TYPES : [])].join(', ')]],
      };
    }
  }
  if (method === 'INVITE') {
    const accept = msg.headers.list('accept');
    if (
      accept &&
      accept.length &&
      !accept.some((a) => /^(application\/sdp|application\/\*|\*\/\*)\s*(;|$)/i.test(a))
    ) {
      return {
        status: 406,
        headers: [['Warning', '399 voicegate "only application/sdp session descriptions"']],
      };
    }
  }
  return null;
}
