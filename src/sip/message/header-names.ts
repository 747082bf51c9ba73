/**
 * Known header names, declared once: canonical key (lower-case long form), printed form, compact
 * form (RFC 3261 §7.3.3 and the extensions that define one) and whether values form a
 * comma-separated list (§7.3.1). Unknown headers keep the name as written.
 */

const KNOWN = [
  ['Accept', '', true],
  ['Accept-Contact', 'a', true],
  ['Accept-Encoding', '', true],
  ['Accept-Language', '', true],
  ['Alert-Info', '', true],
  ['Allow', '', true],
  ['Allow-Events', 'u', true],
  ['Authentication-Info', '', false],
  ['Authorization', '', false],
  ['Call-ID', 'i', false],
  ['Call-Info', '', true],
  ['Contact', 'm', true],
  ['Content-Disposition', '', false],
  ['Content-Encoding', 'e', true],
  ['Content-Language', '', true],
  ['Content-Length', 'l', false],
  ['Content-Type', 'c', false],
  ['CSeq', '', false],
  ['Date', '', false],
  ['Error-Info', '', true],
  ['Event', 'o', false],
  ['Expires', '', false],
  ['From', 'f', false],
  ['Identity', 'y', false],
  ['In-Reply-To', '', true],
  ['Max-Forwards', '', false],
  ['Min-Expires', '', false],
  ['Min-SE', '', false],
  ['MIME-Version', '', false],
  ['Organization', '', false],
  ['P-Asserted-Identity', '', true],
  ['P-Preferred-Identity', '', true],
  ['Path', '', true],
  ['Priority', '', false],
  ['Privacy', '', false],
  ['Proxy-Authenticate', '', false],
  ['Proxy-Authorization', '', false],
  ['Proxy-Require', '', true],
  ['RAck', '', false],
  ['Reason', '', true],
  ['Record-Route', '', true],
  ['Refer-To', 'r', false],
  ['Referred-By', 'b', false],
  ['Reject-Contact', 'j', true],
  ['Reply-To', '', false],
  ['Request-Disposition', 'd', true],
  ['Require', '', true],
  ['Retry-After', '', false],
  ['Route', '', true],
  ['RSeq', '', false],
  ['Server', '', false],
  ['Service-Route', '', true],
  ['Session-Expires', 'x', false],
  ['Subject', 's', false],
  ['Subscription-State', '', false],
  ['Supported', 'k', true],
  ['Timestamp', '', false],
  ['To', 't', false],
  ['Unsupported', '', true],
  ['User-Agent', '', false],
  ['Via', 'v', true],
  ['Warning', '', true],
  ['WWW-Authenticate', '', false],
] as const;

export interface HeaderInfo {
  /** Canonical key: the long name in lower case. */
  readonly key: string;
  /** The name as voicegate prints it. */
  readonly pretty: string;
  readonly list: boolean;
}

const byLower = new Map<string, HeaderInfo>();
for (const [pretty, compact, list] of KNOWN) {
  const info: HeaderInfo = { key: pretty.toLowerCase(), pretty, list };
  byLower.set(info.key, info);
  if (compact) byLower.set(compact, info);
}

/** Info for a header name in any case or compact form; undefined for unknown headers. */
export function headerInfo(name: string): HeaderInfo | undefined {
  return byLower.get(name) ?? byLower.get(name.toLowerCase());
}

/** Canonical key of a header name (compact forms expanded, lower case). */
export function headerKey(name: string): string {
  const info = byLower.get(name) ?? byLower.get(name.toLowerCase());
  return info ? info.key : name.toLowerCase();
}

/** Headers whose values are comma-separated lists (§7.3.1). */
export function isListHeader(key: string): boolean {
  return byLower.get(key)?.list === true;
}
