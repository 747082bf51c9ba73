/**
 * RFC 4733 §2.3 telephone-event payload and the DTMF event codes of §3.2.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 */

/** Event codes 0–16: 0–9, *, #, A–D, flash. */
export const DTMF_CHARS = '0123456789*#ABCD!';
export const MAX_DTMF_EVENT = 16;

export function digitOf(event: number): string | undefined {
  return event >= 0 && event <= MAX_DTMF_EVENT ? DTMF_CHARS[event] : undefined;
}

/** The event code of a digit ('0'–'9', '*', '#', 'A'–'D' any case, '!' for flash). */
export function eventOf(digit: string): number | undefined {
  const i = DTMF_CHARS.indexOf(digit.toUpperCase());
  return digit.length === 1 && i >= 0 ? i : undefined;
}

export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  duration: number;
}

/** Reads the first 4-byte event of a payload into `out`; false when too short. */
export function readTelephoneEvent(
  buf: Uint8Array,
  offset: number,
  length: number,
  out: TelephoneEvent,
): boolean {
  if (length < 4 || offset + 4 > buf.length) return false;
  out.event = buf[offset] as number;
  const b1 = buf[offset + 1] as number;
  out.end = (b1 & 0x80) !== 0;
  out.volume = b1 & 0x3f;
  out.duration = ((buf[offset + 2] as number) << 8) | (buf[offset + 3] as number);
  return true;
}

export function writeTelephoneEvent(buf: Uint8Array, offset: number, e: TelephoneEvent): number {
  buf[offset] = e.event & 0xff;
  buf[offset + 1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  buf[offset + 2] = (e.duration >>> 8) & 0xff;
  buf[offset + 3] = e.duration & 0xff;
  return 4;
}
