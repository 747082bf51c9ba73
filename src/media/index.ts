/**
 * Media layer: audio frames, the codec addon's typed face, players, recorders, in-band DTMF,
 * energy/VAD and bridging. May import: rtp, sdp.
 */
export { NativeAddonMissingError, nativeAddonPath, sdNotify } from './codec/index.js';
