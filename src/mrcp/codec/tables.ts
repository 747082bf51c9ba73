/**
 * MRCPv2 vocabulary declared once (RFC 6787 §5, §6, §8, §9, §10): resources, methods, events,
 * request states, status codes and completion causes. Types, parsing and printing derive from
 * these tables; nothing else in the codebase spells these names.
 */

export const MRCP_VERSION = 'MRCP/2.0';

/** §3.1 resource types (IANA "MRCPv2 Resource Types"). */
export const RESOURCES = [
  'speechsynth',
  'speechrecog',
  'recorder',
  'dtmfrecog',
  'basicsynth',
  'speakverify',
] as const;
export type MrcpResource = (typeof RESOURCES)[number];

/** Resources whose methods this implementation serves (speakverify comes later). */
export type ServedResource = 'speechsynth' | 'speechrecog' | 'recorder';

/** §5.1 request-state. */
export const REQUEST_STATES = ['COMPLETE', 'IN-PROGRESS', 'PENDING'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

const SYNTH = ['speechsynth', 'basicsynth'] as const;
const RECOG = ['speechrecog', 'dtmfrecog'] as const;

/** Methods with the resources that accept them; 'generic' methods apply to every resource (§6.1). */
export const METHOD_TABLE = [
  { name: 'SET-PARAMS', resources: 'generic' },
  { name: 'GET-PARAMS', resources: 'generic' },
  // §8.2 synthesizer
  { name: 'SPEAK', resources: SYNTH },
  { name: 'STOP', resources: [...SYNTH, ...RECOG, 'recorder', 'speakverify'] },
  { name: 'PAUSE', resources: SYNTH },
  { name: 'RESUME', resources: SYNTH },
  { name: 'BARGE-IN-OCCURRED', resources: SYNTH },
  { name: 'CONTROL', resources: SYNTH },
  { name: 'DEFINE-LEXICON', resources: SYNTH },
  // §9.2 recognizer
  { name: 'DEFINE-GRAMMAR', resources: RECOG },
  { name: 'RECOGNIZE', resources: RECOG },
  { name: 'INTERPRET', resources: RECOG },
  { name: 'GET-RESULT', resources: RECOG },
  { name: 'START-INPUT-TIMERS', resources: [...RECOG, 'recorder', 'speakverify'] },
  { name: 'START-PHRASE-ENROLLMENT', resources: RECOG },
  { name: 'ENROLLMENT-ROLLBACK', resources: RECOG },
  { name: 'END-PHRASE-ENROLLMENT', resources: RECOG },
  { name: 'MODIFY-PHRASE', resources: RECOG },
  { name: 'DELETE-PHRASE', resources: RECOG },
  // §10.2 recorder
  { name: 'RECORD', resources: ['recorder'] },
] as const;
export type MrcpMethod = (typeof METHOD_TABLE)[number]['name'];

/** Events with the resource that sends them (§8.2, §9.2, §10.2). */
export const EVENT_TABLE = [
  { name: 'SPEECH-MARKER', resources: SYNTH },
  { name: 'SPEAK-COMPLETE', resources: SYNTH },
  { name: 'START-OF-INPUT', resources: [...RECOG, 'recorder', 'speakverify'] },
  { name: 'RECOGNITION-COMPLETE', resources: RECOG },
  { name: 'INTERPRETATION-COMPLETE', resources: RECOG },
  { name: 'RECORD-COMPLETE', resources: ['recorder'] },
] as const;
export type MrcpEventName = (typeof EVENT_TABLE)[number]['name'];

/** §5.4 status codes with their reason text. */
export const STATUS_TABLE = {
  200: 'Success',
  201: 'Success with some optional header fields ignored',
  401: 'Method not allowed',
  402: 'Method not valid in this state',
  403: 'Unsupported header field',
  404: 'Illegal value for header field',
  405: 'Resource not allocated for this session or does not exist',
  406: 'Mandatory header field missing',
  407: 'Method or operation failed',
  408: 'Unrecognized or unsupported message entity',
  409: 'Unsupported header field value',
  410: 'Non-monotonic or out-of-order sequence number in request',
  421: 'Resource-specific failure',
  501: 'Server internal error',
  502: 'Protocol version not supported',
  503: 'Reserved for future assignment',
  504: 'Message too large',
} as const;
export type MrcpStatusCode = keyof typeof STATUS_TABLE;
/** Codes 421–499 are resource specific (§5.4); any of them is valid on the wire. */
export function isStatusCode(n: number): boolean {
  return Number.isInteger(n) && ((n >= 421 && n <= 499) || Object.hasOwn(STATUS_TABLE, n));
}

/** Completion causes per resource: §8.4.3, §9.4.11, §10.4.3. Code = index in the list. */
export const COMPLETION_CAUSES = {
  speechsynth: [
    'normal',
    'barge-in',
    'parse-failure',
    'uri-failure',
    'error',
    'language-unsupported',
    'lexicon-load-failure',
    'cancelled',
  ],
  speechrecog: [
    'success',
    'no-match',
    'no-input-timeout',
    'hotword-maxtime',
    'grammar-load-failure',
    'grammar-compilation-failure',
    'recognizer-error',
    'speech-too-early',
    'success-maxtime',
    'uri-failure',
    'language-unsupported',
    'cancelled',
    'semantics-failure',
    'partial-match',
    'partial-match-maxtime',
    'no-match-maxtime',
    'grammar-definition-failure',
  ],
  recorder: ['success-silence', 'success-maxtime', 'no-input-timeout', 'uri-failure', 'error'],
} as const;
export type SynthCause = (typeof COMPLETION_CAUSES.speechsynth)[number];
export type RecogCause = (typeof COMPLETION_CAUSES.speechrecog)[number];
export type RecorderCause = (typeof COMPLETION_CAUSES.recorder)[number];
export type CauseTable = keyof typeof COMPLETION_CAUSES;

/** The numeric code of a cause name: `causeCode('speechrecog', 'no-match') === 1`. */
export function causeCode<T extends CauseTable>(
  table: T,
  name: (typeof COMPLETION_CAUSES)[T][number],
): number {
  return (COMPLETION_CAUSES[table] as readonly string[]).indexOf(name);
}

/** Prints `NNN name` (§8.4.3: 3DIGIT SP 1*VCHAR). */
export function formatCause<T extends CauseTable>(
  table: T,
  name: (typeof COMPLETION_CAUSES)[T][number],
): string {
  return `${String(causeCode(table, name)).padStart(3, '0')} ${name}`;
}

/** The cause table of a resource (dtmfrecog shares speechrecog's, basicsynth speechsynth's). */
export function causeTableOf(resource: string): CauseTable | undefined {
  if (resource === 'speechsynth' || resource === 'basicsynth') return 'speechsynth';
  if (resource === 'speechrecog' || resource === 'dtmfrecog') return 'speechrecog';
  if (resource === 'recorder') return 'recorder';
  return undefined;
}

const methodNames: ReadonlySet<string> = new Set(METHOD_TABLE.map((m) => m.name));
const eventNames: ReadonlySet<string> = new Set(EVENT_TABLE.map((e) => e.name));
const resourceNames: ReadonlySet<string> = new Set(RESOURCES);

export function isMethod(s: string): s is MrcpMethod {
  return methodNames.has(s);
}
export function isEventName(s: string): s is MrcpEventName {
  return eventNames.has(s);
}
export function isResource(s: string): s is MrcpResource {
  return resourceNames.has(s);
}
export function isRequestState(s: string): s is RequestState {
  return s === 'COMPLETE' || s === 'IN-PROGRESS' || s === 'PENDING';
}

/** Whether `method` is defined for `resource` (generic methods are defined for all). */
export function methodAppliesTo(method: MrcpMethod, resource: MrcpResource): boolean {
  const row = METHOD_TABLE.find((m) => m.name === method);
  if (!row) return false;
  return row.resources === 'generic' || (row.resources as readonly string[]).includes(resource);
}

/** Whether `event` is sent by `resource`. */
export function eventAppliesTo(event: MrcpEventName, resource: MrcpResource): boolean {
  const row = EVENT_TABLE.find((e) => e.name === event);
  return row !== undefined && (row.resources as readonly string[]).includes(resource);
}
