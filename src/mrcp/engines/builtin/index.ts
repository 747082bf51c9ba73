/**
 * Built-in speech engines: espeak-ng synthesizer, DTMF and PocketSphinx recognizers behind a
 * routing recognizer, configured by `createBuiltinEngines` (also a plugin module for
 * `loadEngineModule` through `createEngines`).
 */
export {
  createBuiltinEngines,
  createEngines,
  DEFAULT_ROUTES,
  programPresent,
  type BuiltinEnginesOptions,
  type RouteConfig,
} from './builtin-engines.js';
export {
  createEspeakSynthesizer,
  type EspeakSynthesizer,
  type EspeakSynthOptions,
  type EspeakSynthStats,
  type SynthHealth,
} from './espeak-synthesizer.js';
export { DEFAULT_VOICES, espeakVoice, voiceFor } from './espeak-options.js';
export { prepareSsml, SSML_DEFAULTS, type SsmlLimits, type SsmlSegment } from './ssml.js';
export {
  createDtmfRecognizer,
  compileDtmfGrammars,
  dtmfOutcome,
  type DtmfRecognizerOptions,
} from './dtmf-recognizer.js';
export {
  createSphinxRecognizer,
  posteriors,
  type SphinxRecognizer,
  type SphinxRecognizerOptions,
} from './sphinx-recognizer.js';
export {
  createRoutingRecognizer,
  pickRoute,
  type RecognizerRoute,
  type RoutingRecognizerOptions,
} from './routing-recognizer.js';
export { grammarKind, type GrammarKind } from './grammar-kind.js';
export { readSpeechGrammar, SpeechGrammarCompiler, type CompiledRequest } from './speech-grammar.js';
export { JsgfWriter } from './jsgf.js';
export { WordMatcher } from './word-matcher.js';
export { GrammarError, GRAMMAR_LIMITS, type GrammarLimits, type SpeechGrammar } from './srgs-ast.js';
export { PronunciationDict } from './pronunciations.js';
export { WavStreamReader } from './wav-stream.js';
export { ByteLru } from './lru-cache.js';
export { Slots, SlotsFullError } from './slots.js';
export { ToWideband } from './to-wideband.js';
export { runProgram, type RunResult } from './run-program.js';
export { startSphinx, parseNbest } from './sphinx-process.js';
