/**
 * RFC 5761 §4: on a muxed port, RTCP is told from RTP by the second octet: RTCP packet types
 * 192–223 (SR 200, RR 201...) would be RTP payload types 64–95 with the marker bit, which RTP
 * must not use. RFC 7983 §7: RTP/RTCP start with a first octet in 128–191.
 */
export function isRtcp(buf: Uint8Array, offset = 0, length = buf.length - offset): boolean {
  if (length < 2) return false;
  const b0 = buf[offset] as number;
  const b1 = buf[offset + 1] as number;
  return b0 >= 128 && b0 <= 191 && b1 >= 192 && b1 <= 223;
}

/** True when the first octet can start RTP or RTCP at all (RFC 7983 §7). */
export function looksLikeRtp(buf: Uint8Array, offset = 0, length = buf.length - offset): boolean {
  return length >= 1 && (buf[offset] as number) >= 128 && (buf[offset] as number) <= 191;
}
