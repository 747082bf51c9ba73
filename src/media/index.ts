/**
 * Media layer: audio frames, the codec addon's typed face, players, recorders, in-band DTMF,
 * energy/VAD and bridging. May import: rtp, sdp.
 */
export {
  NativeAddonMissingError,
  nativeAddonPath,
  sdNotify,
  CodecClosedError,
  alawEncode,
  ulawEncode,
  alawDecode,
  ulawDecode,
  alawToUlaw,
  ulawToAlaw,
  G722Encoder,
  G722Decoder,
  Resampler,
  RESAMPLER_RATES,
  frameEnergyDbov,
  toneLevelsDbov,
  DBOV_FLOOR,
  DBM0_TO_DBOV,
  DtmfGenerator,
  DTMF_KEYS,
  DTMF_GENERATOR_DEFAULTS,
  DtmfDetector,
  Vad,
  VAD_DEFAULTS,
} from './codec/index.js';
export type {
  MediaLogger,
  SampleRate,
  DtmfGeneratorOptions,
  DtmfSampleRate,
  DtmfDetectorOptions,
  DtmfWindow,
  VadState,
  VadOptions,
} from './codec/index.js';
// Call-progress analysis (tones, voice, fingerprints), over the codec primitives.
export {
  CallProgressAnalyzer,
  MAX_LEARN_HISTORY_MS,
  AudioClassifier,
  CadenceTracker,
  DEFAULT_CADENCES,
  bitCount,
  bitErrors,
  buildReference,
  fingerprintBits,
  FP_BITS,
  MAX_REFERENCE_MS,
  reliableBits,
  FingerprintMatcher,
  checkPrimitives,
  clampDb,
  BAND_COUNT,
  SPECTRUM_LAYOUT,
  SpectrumAnalyzer,
  TONE_FREQS_HZ,
  VoiceActivity,
  MAX_WAV_BYTES,
  readWav,
} from './progress/index.js';
export type {
  AnalyzerCounters,
  LearnError,
  ProgressAnalyzerOptions,
  AudioClass,
  AudioClassOptions,
  ClassEvent,
  CadenceEvent,
  CadenceOptions,
  CadencePattern,
  ToneKind,
  ProgressEvent,
  ProgressEventType,
  FingerprintReference,
  ReferenceError,
  ReferenceOptions,
  ReferencePhase,
  FingerprintHit,
  MatcherOptions,
  PrimitivesCheck,
  SignalPrimitives,
  Spectrum,
  SpectrumLayout,
  VadEvent,
  VadOptions as VoiceActivityOptions,
  WavAudio,
  WavError,
  WavErrorCode,
} from './progress/index.js';
export {
  FrameClock,
  monotonicClock,
  type FrameClockStats,
  type TickHandler,
  type TimerClock,
} from './frame-clock.js';
export { parseWav, wavHeader, SUPPORTED_RATES as WAV_RATES } from './wav/wav-format.js';
export type { WavEncoding, WavInfo, WavParse, WavErrorCode as WavFormatErrorCode } from './wav/wav-format.js';
export { WavFileWriter, type WavWriterOptions, type WavWriterResult } from './wav/wav-writer.js';
// Media streams: one RTP session bound to a codec on the frame clock.
export { MediaStream, STREAM_EDGES, type MediaStreamOpenResult } from './stream/media-stream.js';
export type {
  AudioSource,
  DigitSource,
  InbandDetect,
  MediaStreamEvents,
  MediaStreamOptions,
  MediaStreamState,
  MediaStreamStats,
  PlayEnd,
  PlayOptions,
  SendDigitsMethod,
  StreamDigit,
  StreamRate,
  StreamSendResult,
  StreamTap,
} from './stream/stream-types.js';
export { createPayloadCodec, MAX_PAYLOAD_BYTES, type PayloadCodec } from './stream/payload-codec.js';
export { toRtpStreamConfig } from './stream/rtp-config.js';
export { resampled } from './stream/sources.js';
export { SampleFifo } from './stream/sample-fifo.js';
export { Concealer } from './stream/concealment.js';
// Players, recorder, bridge.
export {
  decodeWav,
  loadWavFile,
  naturalRate,
  resampleAll,
  DEFAULT_MAX_CLIP_BYTES,
  type ClipErrorCode,
  type ClipResult,
  type PcmClip,
} from './play/pcm-clip.js';
export { ClipSource, SilenceSource } from './play/clip-source.js';
export { PcmStreamSource } from './play/pcm-stream-source.js';
export { StreamRecorder, type RecordMode, type RecorderOptions } from './record/stream-recorder.js';
export { MediaBridge, type BridgeOptions } from './bridge/media-bridge.js';
export { FrameQueueSource } from './bridge/frame-queue-source.js';
