/**
 * Call-progress analysis: tone cadences (450 Hz China, 425/440 Hz), voice activity, speech /
 * music classification and prompt fingerprint matching on 20 ms frames, over the codec addon's
 * two signal primitives (injected).
 */
export { CallProgressAnalyzer, MAX_LEARN_HISTORY_MS } from './analyzer.js';
export type { AnalyzerCounters, LearnError, ProgressAnalyzerOptions } from './analyzer.js';
export { AudioClassifier } from './audio-class.js';
export type { AudioClass, AudioClassOptions, ClassEvent } from './audio-class.js';
export { CadenceTracker, DEFAULT_CADENCES } from './cadence.js';
export type { CadenceEvent, CadenceOptions, CadencePattern, ToneKind } from './cadence.js';
export type { ProgressEvent, ProgressEventType } from './events.js';
export {
  bitCount,
  bitErrors,
  buildReference,
  fingerprintBits,
  FP_BITS,
  MAX_REFERENCE_MS,
  reliableBits,
} from './fingerprint.js';
export type {
  FingerprintReference,
  ReferenceError,
  ReferenceOptions,
  ReferencePhase,
} from './fingerprint.js';
export { FingerprintMatcher } from './fingerprint-matcher.js';
export type { FingerprintHit, MatcherOptions } from './fingerprint-matcher.js';
export { checkPrimitives, clampDb, DBOV_FLOOR } from './primitives.js';
export type { PrimitivesCheck, SignalPrimitives } from './primitives.js';
export { BAND_COUNT, SPECTRUM_LAYOUT, SpectrumAnalyzer, TONE_FREQS_HZ } from './spectrum.js';
export type { Spectrum, SpectrumLayout } from './spectrum.js';
export { VoiceActivity } from './voice-activity.js';
export type { VadEvent, VadOptions } from './voice-activity.js';
export { MAX_WAV_BYTES, readWav } from './wav.js';
export type { WavAudio, WavError, WavErrorCode } from './wav.js';
