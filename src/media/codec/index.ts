/** The codec addon's typed face: every argument is checked here before it crosses into C++. */
export { native, nativeAddonPath, NativeAddonMissingError, EXPECTED_ABI } from './native.js';
export { sdNotify } from './sd-notify.js';
export { CodecClosedError, MAX_ELEMENTS } from './check.js';
export type { MediaLogger } from './logger.js';
export {
  alawEncode,
  ulawEncode,
  alawDecode,
  ulawDecode,
  alawToUlaw,
  ulawToAlaw,
  JS_PATH_MAX_ELEMENTS as G711_JS_PATH_MAX_ELEMENTS,
} from './g711.js';
export { G722Encoder, G722Decoder } from './g722.js';
export { Resampler, RESAMPLER_RATES, type SampleRate } from './resampler.js';
export { frameEnergyDbov, toneLevelsDbov, DBOV_FLOOR, DBM0_TO_DBOV, MAX_TONE_FREQS } from './levels.js';
export {
  DtmfGenerator,
  DTMF_KEYS,
  DTMF_SAMPLE_RATES,
  DTMF_MAX_QUEUE,
  DTMF_GENERATOR_DEFAULTS,
  type DtmfGeneratorOptions,
  type DtmfSampleRate,
} from './dtmf-generator.js';
export { DtmfDetector, type DtmfDetectorOptions, type DtmfWindow } from './dtmf-detector.js';
export { Vad, VAD_STATES, VAD_DEFAULTS, type VadState, type VadOptions } from './vad.js';
