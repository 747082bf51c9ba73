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
