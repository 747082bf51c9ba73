/**
 * Coded parse errors. Parsers return these (never throw past their boundary); `status` is the
 * response a UAS sends for a request that fails this way (RFC 3261 §8.2, RFC 4475 §3.1.2).
 */
import type { SipMessage } from './message.js';

export const parseErrorCodes = [
  'empty',
  'message_too_large',
  'no_header_end',
  'bad_start_line',
  'bad_request_uri',
  'version_not_supported',
  'bad_status_code',
  'bad_header_line',
  'bad_header_name',
  'header_too_long',
  'too_many_headers',
  'bad_content_length',
  'content_length_conflict',
  'content_length_exceeds_body',
  'missing_content_length',
  'missing_header',
  'duplicate_header',
  'bad_header_value',
  'cseq_method_mismatch',
] as const;
export type ParseErrorCode = (typeof parseErrorCodes)[number];

export class SipParseError {
  readonly kind = 'error' as const;
  /** Response status a UAS answers with. */
  readonly status: number;
  constructor(
    readonly code: ParseErrorCode,
    readonly message: string,
    /** Canonical (lower-case) name of the header at fault, when one is. */
    readonly header?: string,
    /**
     * The start line and headers when only the body framing failed (RFC 4475 §3.1.2.2: a UAS can
     * still answer 400 to a request whose Content-Length is wrong); its body is empty.
     */
    readonly partial?: SipMessage,
  ) {
    this.status = code === 'version_not_supported' ? 505 : 400;
  }
}

export function parseError(
  code: ParseErrorCode,
  message: string,
  header?: string,
  partial?: SipMessage,
): SipParseError {
  return new SipParseError(code, message, header, partial);
}
