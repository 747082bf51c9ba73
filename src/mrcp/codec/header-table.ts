/**
 * MRCPv2 header fields declared once with the kind of their value (RFC 6787 §6.2 generic, §8.4
 * synthesizer, §9.4 recognizer, §10.4 recorder). Typed accessors derive their value type from
 * the kind; names are matched case-insensitively (§6.2) and printed as written here.
 */

export type HeaderScope = 'generic' | 'speechsynth' | 'speechrecog' | 'recorder';

/** Value kinds; `header-values.ts` has one parser and one printer per kind. */
export type HeaderKind =
  | 'text'
  | 'uint' // 1*19DIGIT: lengths, counts, timers in ms
  | 'bool' // "true" / "false"
  | 'float' // 0.0 – 1.0 (§9.4.1 and friends)
  | 'cause' // 3DIGIT SP name
  | 'id-list' // request-id *("," request-id)
  | 'vendor' // name=value *(";" name=value)
  | 'channel-id' // 1*(VCHAR except @) "@" resource
  | 'content-type' // type/subtype *(";" param)
  | 'speech-marker' // "timestamp=" 1*20DIGIT [";" name]
  | 'dtmf-char'; // one of 0-9 * # A-D

const G = ['generic'] as const;
const S = ['speechsynth'] as const;
const R = ['speechrecog'] as const;
const REC = ['recorder'] as const;
const SRREC = ['speechsynth', 'speechrecog', 'recorder'] as const;
const RREC = ['speechrecog', 'recorder'] as const;

export const HEADER_TABLE = [
  // §6.2 generic
  { name: 'Channel-Identifier', kind: 'channel-id', scope: G },
  { name: 'Accept', kind: 'text', scope: G },
  { name: 'Active-Request-Id-List', kind: 'id-list', scope: G },
  { name: 'Proxy-Sync-Id', kind: 'text', scope: G },
  { name: 'Accept-Charset', kind: 'text', scope: G },
  { name: 'Content-Type', kind: 'content-type', scope: G },
  { name: 'Content-ID', kind: 'text', scope: G },
  { name: 'Content-Base', kind: 'text', scope: G },
  { name: 'Content-Encoding', kind: 'text', scope: G },
  { name: 'Content-Location', kind: 'text', scope: G },
  { name: 'Content-Length', kind: 'uint', scope: G },
  { name: 'Fetch-Timeout', kind: 'uint', scope: G },
  { name: 'Cache-Control', kind: 'text', scope: G },
  { name: 'Logging-Tag', kind: 'text', scope: G },
  { name: 'Set-Cookie', kind: 'text', scope: G },
  { name: 'Vendor-Specific-Parameters', kind: 'vendor', scope: G },
  // shared by several resources
  { name: 'Completion-Cause', kind: 'cause', scope: SRREC },
  { name: 'Completion-Reason', kind: 'text', scope: SRREC },
  { name: 'Failed-URI', kind: 'text', scope: SRREC },
  { name: 'Failed-URI-Cause', kind: 'text', scope: SRREC },
  { name: 'Speech-Language', kind: 'text', scope: ['speechsynth', 'speechrecog'] },
  { name: 'Sensitivity-Level', kind: 'float', scope: RREC },
  { name: 'No-Input-Timeout', kind: 'uint', scope: RREC },
  { name: 'Media-Type', kind: 'text', scope: RREC },
  { name: 'Start-Input-Timers', kind: 'bool', scope: RREC },
  { name: 'New-Audio-Channel', kind: 'bool', scope: RREC },
  { name: 'Ver-Buffer-Utterance', kind: 'bool', scope: RREC },
  // §8.4 synthesizer
  { name: 'Jump-Size', kind: 'text', scope: S },
  { name: 'Kill-On-Barge-In', kind: 'bool', scope: S },
  { name: 'Speaker-Profile', kind: 'text', scope: S },
  { name: 'Voice-Gender', kind: 'text', scope: S },
  { name: 'Voice-Age', kind: 'uint', scope: S },
  { name: 'Voice-Variant', kind: 'uint', scope: S },
  { name: 'Voice-Name', kind: 'text', scope: S },
  { name: 'Prosody-Pitch', kind: 'text', scope: S },
  { name: 'Prosody-Contour', kind: 'text', scope: S },
  { name: 'Prosody-Range', kind: 'text', scope: S },
  { name: 'Prosody-Rate', kind: 'text', scope: S },
  { name: 'Prosody-Duration', kind: 'text', scope: S },
  { name: 'Prosody-Volume', kind: 'text', scope: S },
  { name: 'Speech-Marker', kind: 'speech-marker', scope: S },
  { name: 'Fetch-Hint', kind: 'text', scope: S },
  { name: 'Audio-Fetch-Hint', kind: 'text', scope: S },
  { name: 'Speak-Restart', kind: 'bool', scope: S },
  { name: 'Speak-Length', kind: 'text', scope: S },
  { name: 'Load-Lexicon', kind: 'bool', scope: S },
  { name: 'Lexicon-Search-Order', kind: 'text', scope: S },
  // §9.4 recognizer
  { name: 'Confidence-Threshold', kind: 'float', scope: R },
  { name: 'Speed-vs-Accuracy', kind: 'float', scope: R },
  { name: 'N-Best-List-Length', kind: 'uint', scope: R },
  { name: 'Input-Type', kind: 'text', scope: R },
  { name: 'Recognition-Timeout', kind: 'uint', scope: R },
  { name: 'Waveform-URI', kind: 'text', scope: R },
  { name: 'Input-Waveform-URI', kind: 'text', scope: R },
  { name: 'Recognizer-Context-Block', kind: 'text', scope: R },
  { name: 'Speech-Complete-Timeout', kind: 'uint', scope: R },
  { name: 'Speech-Incomplete-Timeout', kind: 'uint', scope: R },
  { name: 'DTMF-Interdigit-Timeout', kind: 'uint', scope: R },
  { name: 'DTMF-Term-Timeout', kind: 'uint', scope: R },
  { name: 'DTMF-Term-Char', kind: 'dtmf-char', scope: R },
  { name: 'Save-Waveform', kind: 'bool', scope: R },
  { name: 'Recognition-Mode', kind: 'text', scope: R },
  { name: 'Cancel-If-Queue', kind: 'bool', scope: R },
  { name: 'Hotword-Max-Duration', kind: 'uint', scope: R },
  { name: 'Hotword-Min-Duration', kind: 'uint', scope: R },
  { name: 'Interpret-Text', kind: 'text', scope: R },
  { name: 'DTMF-Buffer-Time', kind: 'uint', scope: R },
  { name: 'Clear-DTMF-Buffer', kind: 'bool', scope: R },
  { name: 'Early-No-Match', kind: 'bool', scope: R },
  { name: 'Num-Min-Consistent-Pronunciations', kind: 'uint', scope: R },
  { name: 'Consistency-Threshold', kind: 'float', scope: R },
  { name: 'Clash-Threshold', kind: 'float', scope: R },
  { name: 'Personal-Grammar-URI', kind: 'text', scope: R },
  { name: 'Enroll-Utterance', kind: 'bool', scope: R },
  { name: 'Phrase-Id', kind: 'text', scope: R },
  { name: 'Phrase-NL', kind: 'text', scope: R },
  { name: 'Weight', kind: 'text', scope: R },
  { name: 'Save-Best-Waveform', kind: 'bool', scope: R },
  { name: 'New-Phrase-Id', kind: 'text', scope: R },
  { name: 'Confusable-Phrases-URI', kind: 'text', scope: R },
  { name: 'Abort-Phrase-Enrollment', kind: 'bool', scope: R },
  // §10.4 recorder
  { name: 'Record-URI', kind: 'text', scope: REC },
  { name: 'Max-Time', kind: 'uint', scope: REC },
  { name: 'Trim-Length', kind: 'uint', scope: REC },
  { name: 'Final-Silence', kind: 'uint', scope: REC },
  { name: 'Capture-On-Speech', kind: 'bool', scope: REC },
] as const satisfies readonly { name: string; kind: HeaderKind; scope: readonly HeaderScope[] }[];

export type KnownHeader = (typeof HEADER_TABLE)[number];
export type HeaderName = KnownHeader['name'];
/** The value kind of a known header name, derived from the table. */
export type KindOf<N extends HeaderName> = Extract<KnownHeader, { name: N }>['kind'];

const byLower = new Map<string, KnownHeader>(HEADER_TABLE.map((h) => [h.name.toLowerCase(), h]));

/** The table row of a header name, matched case-insensitively; undefined for unknown headers. */
export function headerInfo(name: string): KnownHeader | undefined {
  return byLower.get(name.toLowerCase());
}

/** Whether a known header is meaningful for `resource` (generic headers are for all). */
export function headerAppliesTo(name: string, resource: string): boolean {
  const row = headerInfo(name);
  if (!row) return false;
  const scope = row.scope as readonly string[];
  if (scope.includes('generic')) return true;
  const r = resource === 'dtmfrecog' ? 'speechrecog' : resource === 'basicsynth' ? 'speechsynth' : resource;
  return scope.includes(r);
}
