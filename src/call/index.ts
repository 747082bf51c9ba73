/**
 * Call layer: Call and Leg state machines over the SIP stack and media streams, routing of
 * incoming calls to applications (step sequences), outbound calls, DTMF by any method, CDRs.
 * May import: sip, sdp, rtp, media, mrcp, dialing.
 */
export { CallManager, type CallManagerOptions } from './call-manager.js';
export type { OriginateErrorCode, OriginateOptions, OriginateResult, Originator } from './originate-types.js';
export { Call, type CallDeps, type CallEvent, type CallParty } from './call.js';
export { CALL_EDGES, callCanGo, type CallState } from './call-state.js';
export {
  DEFAULT_TRUNK_MEDIA,
  type AppSpec,
  type DtmfSendMethod,
  type InfoContentType,
  type RouteSpec,
  type StepSpec,
  type StepType,
  type TrunkMedia,
} from './call-types.js';
export { buildCdr, type Cdr, type CdrRtp } from './cdr.js';
export { ClipCache } from './clip-cache.js';
export { newCallCounters, type CallCounters } from './counters.js';
export { DigitQueue } from './digit-queue.js';
export {
  DTMF_INFO_TYPES,
  formatDtmfInfo,
  isDtmfInfoType,
  parseDtmfInfo,
  type InfoDigit,
} from './dtmf-info.js';
export { Leg, type DigitsResult, type LegDirection, type LegEvents, type LegTimes } from './leg.js';
export type { CallLogger, LegContext } from './leg-context.js';
export { LEG_EDGES, legCanGo, type LegEnd, type LegState } from './leg-state.js';
export { parseReason, q850ForSip, Q850_TEXT, reasonHeader, sipForQ850, type Q850Cause } from './q850.js';
export { Router } from './router.js';
export { Step, type StepOutcome, type StepResult } from './steps/step.js';
export type { RecordingHandle, StepContext } from './steps/step-context.js';
export { StepExecutor, type StepRecord } from './steps/step-executor.js';
export { createStep } from './steps/step-factory.js';
export { expandDigits } from './steps/media-steps.js';
export { CallDialControl, NATIVE_PRIMITIVES, type DialControlOptions } from './dial-control.js';
export {
  KeywordSpotter,
  keywordGrammar,
  type KeywordSet,
  type KeywordSpotterOptions,
  type SpotterSpeech,
} from './keyword-spotter.js';
export { CallSpeech, type SpeechListener } from './speech/call-speech.js';
export { GatherStep } from './speech/gather-step.js';
export { GATHER_EDGES, gatherCanGo, type GatherState } from './speech/gather-state.js';
export { speechPayload } from './speech/gather-result.js';
export { contentTypeOf, expandText, speakHeaders } from './speech/prompt-text.js';
export { recognizeHeaders } from './speech/recognize-request.js';
export { SayStep } from './speech/say-step.js';
export type {
  CallSpeechOptions,
  GatherInput,
  GatherPayload,
  GatherReason,
  GatherSpec,
  GrammarRef,
  RecognizerOptions,
  SayPayload,
  SaySpec,
  SpeechAlternative,
  SpeechProvider,
  StepPayload,
  SynthesizerOptions,
} from './speech/speech-types.js';
export {
  AppRunner,
  HttpChannel,
  WsChannel,
  type AppCallInfo,
  type AppChannel,
  type AppEvent,
  type AppFailure,
  type AppRunEnd,
  type AppRunnerOptions,
  type AppSource,
  type FallbackOptions,
  type RedirectResult,
  VerbsApps,
  type VerbsAppConfig,
  type VerbsAppsOptions,
  dialCapabilities,
  dialCapability,
  statusOfPlan,
  statusOfSip,
  type DialCapabilities,
  type DialCapabilityOptions,
  type DialPlacer,
  type DialStatus,
} from './app/index.js';
export {
  CallVerbHost,
  createVerb,
  formatIssue,
  newVerbSession,
  validateVerbs,
  Verb,
  VERB_NAMES,
  VERB_SCHEMAS,
  type DialOutcome,
  type DialRequest,
  type DialTarget,
  type GatherOutcome,
  type HostCapabilities,
  type HostEvent,
  type ReferOutcome,
  type ReferRequest,
  type Running,
  type SayOutcome,
  type SayRequest,
  type SpeechCapability,
  type SpeechGatherRequest,
  type VerbHost,
  type VerbIssue,
  type VerbName,
  type VerbResult,
  type VerbSession,
  type VerbSpec,
} from './verbs/index.js';
export { Dialer, type DialCounters, type DialerHost, type DialerOptions, type DialStart } from './dialer.js';
export { DIAL_EDGES, dialCanGo } from './dial-state.js';
export type {
  CdrDialing,
  ConnectedAction,
  DialError,
  DialErrorCode,
  DialSpec,
  DialState,
  ManagerEvent,
} from './dial-types.js';
export { OutboundDial, type ControlHooks, type DialHost } from './outbound-dial.js';
export {
  TrunkLimiter,
  type Admission,
  type QueueHandlers,
  type TrunkGateStats,
  type TrunkLimiterOptions,
  type TrunkLimits,
} from './trunk-limiter.js';
export { stepSpeech } from './verbs/step-speech.js';
