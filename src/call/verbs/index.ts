/** jambonz-style verbs: schemas, classes, the verb list validator and the VerbHost they run on. */
export { CallVerbHost, type HostCapabilities } from './call-verb-host.js';
export { hookSchema, type Hook, type RecognizerOptions, type SynthesizerOptions } from './common-schema.js';
export { ConfigVerb, configSchema, type ConfigSpec } from './config.js';
export { DialVerb, dialSchema, type DialSpec } from './dial.js';
export { DtmfVerb, dtmfSchema, type DtmfSpec } from './dtmf.js';
export { GatherVerb, gatherSchema, type GatherSpec } from './gather.js';
export { HangupVerb, hangupSchema, type HangupSpec } from './hangup.js';
export { PauseVerb, pauseSchema, type PauseSpec } from './pause.js';
export { PlayVerb, playSchema, type PlaySpec } from './play.js';
export { RecordVerb, recordSchema, type RecordSpec } from './record.js';
export { RedirectVerb, redirectSchema, type RedirectSpec } from './redirect.js';
export { SayVerb, saySchema, type SaySpec } from './say.js';
export { MAX_TAG_BYTES, TagVerb, tagSchema, type TagSpec } from './tag.js';
export { TransferVerb, transferSchema, type TransferSpec } from './transfer.js';
export { Verb, type VerbOutcome, type VerbResult } from './verb.js';
export type * from './verb-host.js';
export {
  formatIssue,
  validateVerbs,
  type VerbIssue,
  type VerbListLimits,
  type VerbListResult,
} from './verb-list.js';
export { newVerbSession, type VerbSession } from './verb-session.js';
export {
  createVerb,
  isVerbName,
  VERB_NAMES,
  VERB_SCHEMAS,
  type VerbName,
  type VerbSpec,
} from './verb-table.js';
