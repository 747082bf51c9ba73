/**
 * Coded results of the SDP layer: nothing here throws past the layer boundary. An error names the
 * SIP answer the call layer should give (RFC 3261 §21.4.26 488 and the §20.43 Warning code).
 */

/** Why an SDP could not be used. */
export type SdpErrorCode =
  | 'too_large'
  | 'too_many_lines'
  | 'line_too_long'
  | 'too_many_media'
  | 'too_many_attributes'
  | 'malformed_line'
  | 'bad_version'
  | 'bad_origin'
  | 'bad_media_line'
  | 'bad_connection'
  | 'missing_connection'
  | 'unsupported_address'
  | 'parse_failed'
  | 'no_common_codec'
  | 'no_acceptable_media'
  | 'media_count_mismatch'
  | 'answer_not_subset'
  | 'bad_mrcp'
  | 'glare'
  | 'invalid_state'
  | 'bad_options';

/** RFC 3261 §20.43 warning codes the SIP layer puts in its Warning header with a 488. */
export const WARNING = {
  incompatibleProtocol: { code: 300, text: 'Incompatible network protocol' },
  incompatibleAddress: { code: 301, text: 'Incompatible network address formats' },
  mediaTypeUnavailable: { code: 304, text: 'Media type not available' },
  incompatibleFormat: { code: 305, text: 'Incompatible media format' },
  attributeNotUnderstood: { code: 306, text: 'Attribute not understood' },
  miscellaneous: { code: 399, text: 'Miscellaneous warning' },
} as const;

export type SdpWarning = (typeof WARNING)[keyof typeof WARNING];

export interface SdpError {
  readonly code: SdpErrorCode;
  readonly message: string;
  /** The SIP status to answer an offer with (488 for unusable media, 400 for broken SDP, 491 glare, 500 misuse). */
  readonly sipStatus: 400 | 488 | 491 | 500;
  readonly warning: SdpWarning;
}

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SdpError };

const STATUS: Record<SdpErrorCode, { sipStatus: SdpError['sipStatus']; warning: SdpWarning }> = {
  too_large: { sipStatus: 400, warning: WARNING.miscellaneous },
  too_many_lines: { sipStatus: 400, warning: WARNING.miscellaneous },
  line_too_long: { sipStatus: 400, warning: WARNING.miscellaneous },
  too_many_media: { sipStatus: 488, warning: WARNING.mediaTypeUnavailable },
  too_many_attributes: { sipStatus: 400, warning: WARNING.miscellaneous },
  malformed_line: { sipStatus: 400, warning: WARNING.miscellaneous },
  bad_version: { sipStatus: 400, warning: WARNING.miscellaneous },
  bad_origin: { sipStatus: 400, warning: WARNING.miscellaneous },
  bad_media_line: { sipStatus: 400, warning: WARNING.miscellaneous },
  bad_connection: { sipStatus: 400, warning: WARNING.incompatibleAddress },
  missing_connection: { sipStatus: 400, warning: WARNING.incompatibleAddress },
  unsupported_address: { sipStatus: 488, warning: WARNING.incompatibleAddress },
  parse_failed: { sipStatus: 400, warning: WARNING.miscellaneous },
  no_common_codec: { sipStatus: 488, warning: WARNING.incompatibleFormat },
  no_acceptable_media: { sipStatus: 488, warning: WARNING.mediaTypeUnavailable },
  media_count_mismatch: { sipStatus: 488, warning: WARNING.miscellaneous },
  answer_not_subset: { sipStatus: 488, warning: WARNING.incompatibleFormat },
  bad_mrcp: { sipStatus: 488, warning: WARNING.attributeNotUnderstood },
  glare: { sipStatus: 491, warning: WARNING.miscellaneous },
  invalid_state: { sipStatus: 500, warning: WARNING.miscellaneous },
  bad_options: { sipStatus: 500, warning: WARNING.miscellaneous },
};

export function sdpError(code: SdpErrorCode, message: string): { ok: false; error: SdpError } {
  const s = STATUS[code];
  return { ok: false, error: { code, message, sipStatus: s.sipStatus, warning: s.warning } };
}

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** The Warning header value for an error: `305 host "Incompatible media format"` (RFC 3261 §20.43). */
export function warningHeader(error: SdpError, agentHost: string): string {
  return `${error.warning.code} ${agentHost} "${error.warning.text}"`;
}
