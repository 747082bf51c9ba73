/** Engine plugin contract, registry, module loading, and the deterministic test engine set. */
export * from './engine-types.js';
export { EngineRegistry, engineKindFor, loadEngineModule, type EngineKind } from './registry.js';
export { createToneSynthesizer, type ToneSynthOptions } from './test/tone-synthesizer.js';
export { createTestRecognizer, type TestRecognizerOptions } from './test/test-recognizer.js';
export { createWavRecorder, wavHeader, type WavRecorderOptions } from './test/wav-recorder.js';
export {
  compileBuiltinDtmf,
  compileSrgsXmlDtmf,
  DtmfMatcher,
  GrammarCompileError,
  type DtmfState,
} from './test/dtmf-grammar.js';
export { compileAbnfDtmf } from './test/dtmf-abnf.js';
export * from './builtin/index.js';
