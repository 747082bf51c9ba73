/**
 * MRCPv2 layer (RFC 6787): message codec, NLSML, resource state machines and the engine plugin
 * interface (sans-IO), and on top of them the networked server (`service/`) and client
 * (`client/`) over SIP + TCP + RTP.
 */
export * from './codec/index.js';
export * from './nlsml/index.js';
export * from './engines/index.js';
export * from './server/index.js';
export * from './service/index.js';
export * from './client/index.js';
export {
  newNetCounters,
  newHistogram,
  LATENCY_BOUNDS,
  type LatencyHistogram,
  type MrcpNetCounters,
} from './net/metrics.js';
export { MrcpAudio, openMrcpAudio, type MrcpAudioOptions } from './audio/media-audio.js';
