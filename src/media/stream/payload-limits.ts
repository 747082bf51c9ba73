/** Longest payload handled: 60 ms of L16 at 16 kHz (1920 octets) fits; larger ones are cut. */
export const MAX_PAYLOAD_BYTES = 2048;
