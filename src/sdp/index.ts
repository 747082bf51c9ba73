/**
 * SDP layer (RFC 4566 text via sdp-transform, RFC 3264 offer/answer, RFC 4733 telephone-event,
 * RFC 6787 §4 MRCPv2 control lines). Pure: imports nothing of ours.
 */
export {
  type AudioCapabilities,
  type NegotiatedAudio,
  type NegotiatedCodec,
  type NegotiatedTelephoneEvent,
  familyOf,
  offeredAudioFamily,
  pickPtime,
} from './audio.js';
export { AUDIO_CODECS, type CodecId, CODEC_IDS, DEFAULT_CODECS, PTIMES, isCodecId } from './codecs.js';
export { DEFAULT_SDP_LIMITS, type SdpLimits } from './limits.js';
export { type Logger as SdpLogger, silentLogger } from './logger.js';
export {
  type AddressFamily,
  type Connection,
  type Direction,
  type MediaSection,
  type ParsedSdp,
  type RtpFormat,
  canRecv,
  canSend,
  holdDirection,
  reverse,
} from './model.js';
export {
  type MrcpChannel,
  type MrcpChannelRequest,
  type MrcpConnection,
  type MrcpResourceOffer,
  type MrcpServerCapabilities,
  type MrcpTransport,
  type NegotiatedMrcp,
} from './mrcp.js';
export {
  type AnswerSpec,
  type NegotiatedMedia,
  type NegotiationEvent,
  type NegotiationResult,
  type NegotiationState,
  type NegotiatorOptions,
  SdpNegotiator,
  TRANSITIONS as NEGOTIATION_TRANSITIONS,
} from './negotiator.js';
export { parseSdp } from './parse.js';
export { type OfferSpec } from './plan-offer.js';
export {
  type Result as SdpResult,
  type SdpError,
  type SdpErrorCode,
  type SdpWarning,
  WARNING,
  warningHeader,
} from './result.js';
export { formatEventList, parseEventList } from './telephone-event.js';
