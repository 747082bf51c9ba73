/**
 * Coded parse errors. `fatal` means the byte stream can no longer be framed (the connection must
 * be closed); otherwise only one message was bad and parsing goes on after it. `status` is the
 * MRCP status the server answers with when the request id is known (RFC 6787 §5.4).
 */
export const PARSE_ERRORS = {
  'bad-start-line': { fatal: true, status: 408 },
  'bad-message-length': { fatal: true, status: 408 },
  'start-line-too-long': { fatal: true, status: 504 },
  'message-too-large': { fatal: false, status: 504 },
  'bad-version': { fatal: false, status: 502 },
  'bad-request-id': { fatal: false, status: 408 },
  'bad-status-code': { fatal: false, status: 408 },
  'bad-request-state': { fatal: false, status: 408 },
  'bad-header': { fatal: false, status: 408 },
  'too-many-headers': { fatal: false, status: 504 },
  'missing-header-end': { fatal: false, status: 408 },
  'content-length-mismatch': { fatal: false, status: 404 },
} as const;
export type ParseErrorCode = keyof typeof PARSE_ERRORS;

export interface MrcpParseError {
  code: ParseErrorCode;
  fatal: boolean;
  /** Status code to answer with (when `requestId` is known and the message was a request). */
  status: number;
  detail: string;
  /** What was read of the start line, when it could be read. */
  requestId?: number;
  method?: string;
  kind?: 'request' | 'response' | 'event';
}

export function parseError(
  code: ParseErrorCode,
  detail: string,
  extra: Partial<Pick<MrcpParseError, 'requestId' | 'method' | 'kind'>> = {},
): MrcpParseError {
  const info = PARSE_ERRORS[code];
  return { code, fatal: info.fatal, status: info.status, detail, ...extra };
}
