/**
 * Dialing layer: privacy-number parsing and formatting, carrier and platform profiles, dialing
 * plans as data, the plan runner against the narrow DialControl interface (implemented by the
 * call layer) and outcome classification. May import: media (types only).
 */
export type {
  AnalysisRequest,
  AnalysisSupport,
  Clock,
  DialControl,
  DialEvent,
  DialLogger,
  DtmfCapabilities,
  HangupCause,
  MediaProgressEvent,
  OriginateRequest,
  SendDigitsRequest,
} from './dial-control.js';
export {
  DIGIT_TEMPLATE,
  expandDigits,
  MAX_DIGITS,
  PAUSE_LONG_MS,
  PAUSE_SHORT_MS,
  parseDigits,
} from './digits.js';
export type { DigitError, DigitSegment } from './digits.js';
export { DIRECT_PLAN, isDialUri, resolveDial, resolveDirect } from './job.js';
export type { DialJob, DialRequest, ResolveError, ResolveErrorCode, RunStep, RunStepOf } from './job.js';
export { isPromptLabel, PROMPT_LABELS } from './labels.js';
export type { PromptLabel } from './labels.js';
export { MAX_NUMBER_INPUT, parsePrivacyNumber } from './number.js';
export type {
  NumberError,
  NumberErrorCode,
  NumberKind,
  NumberParseOptions,
  PrivacyNumber,
  StructuredNumber,
} from './number.js';
export { formatNumber, NUMBER_STYLES } from './number-format.js';
export type { NumberFormat, NumberStyle } from './number-format.js';
export { CANCEL_CAUSES, classifyRejection, OUTCOMES } from './outcome.js';
export type { CancelCause, DialResult, DialTimings, DigitsRecord, Outcome, StepRecord } from './outcome.js';
export { PlanRunner } from './plan-runner.js';
export type { PlanRunnerOptions } from './plan-runner.js';
export type { RunnerNotice } from './runner-notice.js';
export { bindTrunk, defaultTrunkProfile, trunkProfileFor } from './trunk-binding.js';
export type { BoundTrunk } from './trunk-binding.js';
export { formatProblem, parseProfileText, ProfileError } from './profile-load.js';
export type { ParsedProfile, ProfileErrorCode, ProfileProblem } from './profile-load.js';
export { planSchema, platformSchema, PROFILE_KINDS, trunkSchema } from './profiles.js';
export type { PlanProfile, PlatformProfile, ProfileKind, TrunkProfile } from './profiles.js';
export { buildProfiles, loadProfiles, planSteps, selectPlatform } from './registry.js';
export type { DialingProfiles, LoadedPlatform, LoadProfilesOptions } from './registry.js';
export type { Result } from './result.js';
export { IllegalTransitionError, RUNNER_STATES, RUNNER_TRANSITIONS, transition } from './runner-state.js';
export type { RunnerState } from './runner-state.js';
export { checkStepOrder, DTMF_METHODS, STEP_TYPES, stepSchema } from './steps.js';
export type { DtmfMethod, Step, StepOf, StepType } from './steps.js';
