/**
 * The SIP message model (RFC 3261 §7): a start line, the ordered header list and a raw body.
 * Bodies are bytes (a view into the received buffer where possible): SDP, multipart and binary
 * parts are kept exactly as they came (RFC 4475 §3.1.1.11).
 */
import { HeaderList } from './headers.js';

export const EMPTY_BODY: Buffer = Buffer.alloc(0);

export class SipRequest {
  readonly kind = 'request' as const;
  constructor(
    public method: string,
    /** Request-URI as written. */
    public uri: string,
    public headers: HeaderList = new HeaderList(),
    public body: Buffer = EMPTY_BODY,
    public version = 'SIP/2.0',
  ) {}
}

export class SipResponse {
  readonly kind = 'response' as const;
  constructor(
    public status: number,
    public reason: string,
    public headers: HeaderList = new HeaderList(),
    public body: Buffer = EMPTY_BODY,
    public version = 'SIP/2.0',
  ) {}
}

export type SipMessage = SipRequest | SipResponse;

/** Standard reason phrases (RFC 3261 §21 and extensions) for the responses voicegate sends. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  421: 'Extension Required',
  422: 'Session Interval Too Small',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  600: 'Busy Everywhere',
  603: 'Decline',
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status < 200 ? 'Progress' : status < 300 ? 'OK' : 'Error');
}
