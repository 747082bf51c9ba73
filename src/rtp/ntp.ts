/** NTP timestamps for RTCP (RFC 3550 §4): seconds since 1900 and a 32-bit binary fraction. */
const NTP_EPOCH_OFFSET = 2_208_988_800;

export function ntpFromMs(ms: number): { seconds: number; fraction: number } {
  const whole = Math.floor(ms / 1000);
  const seconds = (whole + NTP_EPOCH_OFFSET) >>> 0;
  const fraction = Math.floor(((ms - whole * 1000) / 1000) * 0x100000000) >>> 0;
  return { seconds, fraction };
}

/** The middle 32 bits of an NTP timestamp (§6.4.1 LSR), in 1/65536 s. */
export function compactNtp(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

export function compactNtpFromMs(ms: number): number {
  const t = ntpFromMs(ms);
  return compactNtp(t.seconds, t.fraction);
}
