/**
 * RTP layer (RFC 3550 packets, RTCP and sessions; RFC 5761 mux; RFC 4733 telephone-event).
 * Pure: imports nothing of ours; takes options, a Clock and a logger.
 */
export { type Clock, type TimerHandle, systemClock } from './clock.js';
export { type RtpDropCounters, newDropCounters } from './counters.js';
export { isRtcp, looksLikeRtp } from './demux.js';
export {
  type DigitEvent,
  DtmfReceiver,
  type DtmfReceiverOptions,
  type DtmfReceiverState,
} from './dtmf-receiver.js';
export { DtmfSender, type DtmfSenderOptions, type DtmfSenderState, type EventPacket } from './dtmf-sender.js';
export {
  JitterBuffer,
  type JitterBufferOptions,
  type JitterState,
  type JitterStats,
  type PlayoutFrame,
  type PushResult,
} from './jitter-buffer.js';
export { type Logger as RtpLogger, silentLogger } from './logger.js';
export { compactNtp, compactNtpFromMs, ntpFromMs } from './ntp.js';
export {
  MARSHAL_INVALID,
  MARSHAL_TOO_SMALL,
  RTP_HEADER_SIZE,
  type RtpPacket,
  type RtpParseCode,
  RtpView,
  marshalRtp,
  parseRtp,
  rtpMarshalSize,
  writeRtpHeader,
} from './packet.js';
export { PortPool, type PortPoolOptions } from './port-pool.js';
export { type QualityEstimate, type QualityInput, estimateQuality, mosFromR } from './quality.js';
export { ReceiveStats, type SeqVerdict, roundTripMs } from './receive-stats.js';
export {
  type Goodbye,
  RTCP_APP,
  RTCP_BYE,
  RTCP_RR,
  RTCP_SDES,
  RTCP_SR,
  type RawRtcp,
  type ReceiverReport,
  type ReportBlock,
  type RtcpPacket,
  type RtcpParseCode,
  type RtcpParseResult,
  SDES_CNAME,
  type SdesItem,
  type SenderReport,
  type SourceDescription,
  parseRtcp,
} from './rtcp.js';
export { type IntervalInput, deterministicInterval, minimumInterval, rtcpInterval } from './rtcp-interval.js';
export { marshalRtcp, rtcpMarshalSize, rtcpPacketSize } from './rtcp-write.js';
export { type RtpOpenResult, RtpSession, type SendDigitsResult } from './session.js';
export type {
  ReceivedAudio,
  RtpSessionDelegate,
  RtpSessionOptions,
  RtpSessionStats,
  RtpStreamConfig,
} from './session-types.js';
export {
  FILTER_TRANSITIONS,
  type FilterEvent,
  type FilterMode,
  type FilterState,
  SourceFilter,
  type Verdict,
} from './source-filter.js';
export {
  DTMF_CHARS,
  MAX_DTMF_EVENT,
  type TelephoneEvent,
  digitOf,
  eventOf,
  readTelephoneEvent,
  writeTelephoneEvent,
} from './telephone-event.js';
