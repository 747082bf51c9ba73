/**
 * Builders for the messages a UA core and transactions create: responses (RFC 3261 §8.2.6.2),
 * the ACK for a non-2xx final response (§17.1.1.3) and CANCEL (§9.1).
 */
import { HeaderList } from './headers.js';
import { SipRequest, SipResponse, reasonPhrase } from './message.js';

/**
 * A response to `req`: Via lines, From, Call-ID and CSeq copied as they came; To copied with
 * `toTag` added when it has none (and status > 100, §8.2.6.2).
 */
export function createResponse(
  req: SipRequest,
  status: number,
  opts: { reason?: string; toTag?: string; headers?: ReadonlyArray<[string, string]>; body?: Buffer } = {},
): SipResponse {
  const out = new HeaderList();
  const lines = req.headers.lines;
  const ol = out.lines;
  for (let i = 0; i < lines.length; i++) {
    const h = lines[i]!;
    switch (h.key) {
      case 'via':
      case 'from':
      case 'call-id':
      case 'cseq':
        ol.push({ name: h.name, key: h.key, value: h.value });
        break;
      case 'to': {
        let value = h.value;
        if (opts.toTag && status > 100 && !/;\s*tag\s*=/i.test(value)) value += ';tag=' + opts.toTag;
        ol.push({ name: h.name, key: h.key, value });
        break;
      }
      case 'timestamp':
        // §8.2.6.1: a 100 Trying echoes Timestamp.
        if (status === 100) ol.push({ name: h.name, key: h.key, value: h.value });
        break;
    }
  }
  if (opts.headers) for (const [n, v] of opts.headers) out.append(n, v);
  const res = new SipResponse(status, opts.reason ?? reasonPhrase(status), out);
  if (opts.body) res.body = opts.body;
  return res;
}

/**
 * The ACK a client INVITE transaction sends for a non-2xx final response (§17.1.1.3): the
 * INVITE's Request-URI, Call-ID, From, CSeq number and top Via, the response's To, and the
 * INVITE's Route set.
 */
export function createNon2xxAck(invite: SipRequest, res: SipResponse): SipRequest {
  const h = new HeaderList();
  const topVia = invite.headers.get('via');
  if (topVia !== undefined) h.append('Via', firstElement(topVia));
  for (const line of invite.headers.lines) {
    if (line.key === 'max-forwards' || line.key === 'from' || line.key === 'call-id')
      h.lines.push({ ...line });
  }
  h.append('To', res.headers.get('to') ?? invite.headers.get('to') ?? '');
  const cseq = (invite.headers.get('cseq') ?? '').split(/[ \t]+/)[0] ?? '';
  h.append('CSeq', `${cseq} ACK`);
  for (const line of invite.headers.lines) if (line.key === 'route') h.lines.push({ ...line });
  return new SipRequest('ACK', invite.uri, h);
}

/** CANCEL for a pending request (§9.1): same Request-URI, Call-ID, To, From, CSeq number, top Via, Route. */
export function createCancel(req: SipRequest, extra: ReadonlyArray<[string, string]> = []): SipRequest {
  const h = new HeaderList();
  const topVia = req.headers.get('via');
  if (topVia !== undefined) h.append('Via', firstElement(topVia));
  for (const line of req.headers.lines) {
    if (line.key === 'max-forwards' || line.key === 'from' || line.key === 'to' || line.key === 'call-id') {
      h.lines.push({ ...line });
    }
  }
  const cseq = (req.headers.get('cseq') ?? '').split(/[ \t]+/)[0] ?? '';
  h.append('CSeq', `${cseq} CANCEL`);
  for (const line of req.headers.lines) if (line.key === 'route') h.lines.push({ ...line });
  for (const [n, v] of extra) h.append(n, v);
  return new SipRequest('CANCEL', req.uri, h);
}

/** First element of a list header value. */
function firstElement(v: string): string {
  const c = v.indexOf(',');
  return c === -1 ? v : v.slice(0, c).trim();
}
