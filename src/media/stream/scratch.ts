/**
 * Scratch arrays shared by every stream of the process. A frame tick handles one stream at a
 * time, synchronously, and nothing keeps a reference to these across calls (RtpSession copies
 * the payload into its own packet buffer), so one set serves thousands of calls: per-call
 * memory stays small.
 */
import { MAX_PAYLOAD_BYTES } from './payload-limits.js';
import { ViewCache } from './views.js';

/** Decoded PCM of one packet (G.722 and L16 at 16 kHz: up to 2 samples per octet). */
export const decodeScratch = new ViewCache(new Int16Array(2 * MAX_PAYLOAD_BYTES), 32);
/** Resampler output (16 → 8 kHz halves, 8 → 16 doubles: 2× the decode size covers both). */
export const resampleScratch = new ViewCache(new Int16Array(4 * MAX_PAYLOAD_BYTES), 32);
/** One outgoing packet's PCM, and its encoded payload. */
export const packetPcmScratch = new ViewCache(new Int16Array(2 * MAX_PAYLOAD_BYTES), 32);
export const payloadScratch = new ViewCache(new Uint8Array(MAX_PAYLOAD_BYTES), 32);
/** A payload region copied out of a datagram for the native decoders. */
export const codeScratch = new ViewCache(new Uint8Array(MAX_PAYLOAD_BYTES), 32);
