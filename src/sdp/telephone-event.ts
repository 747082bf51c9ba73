/**
 * RFC 4733 §7.1.1 telephone-event fmtp: the list of events a receiver understands, e.g. `0-15`,
 * `0-16`, `0-11,16`. Without an fmtp the receiver understands 0–15 (RFC 4733 §2.4.1).
 */

/** DTMF 0–9, *, #, A–D and flash: the events voicegate sends and understands (RFC 4733 §3.2). */
export const SUPPORTED_EVENTS_MAX = 16;
const IMPLIED_EVENTS = '0-15';

/**
 * Events of an fmtp value as a sorted list, or undefined when the text is not a valid event list.
 * Bounded: event numbers are 0–255, at most 32 comma-separated items.
 */
export function parseEventList(text: string | undefined): number[] | undefined {
  const value = (text ?? IMPLIED_EVENTS).trim();
  if (value.length === 0 || value.length > 256) return undefined;
  const items = value.split(',');
  if (items.length > 32) return undefined;
  const seen = new Uint8Array(256);
  for (const raw of items) {
    const m = /^\s*(\d{1,3})(?:\s*-\s*(\d{1,3}))?\s*$/.exec(raw);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > 255 || hi > 255 || hi < lo) return undefined;
    for (let e = lo; e <= hi; e++) seen[e] = 1;
  }
  const out: number[] = [];
  for (let e = 0; e < 256; e++) if (seen[e]) out.push(e);
  return out;
}

/** The compact range text of a sorted event list: [0..11, 16] → `0-11,16`. */
export function formatEventList(events: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < events.length) {
    const start = events[i] as number;
    let end = start;
    while (i + 1 < events.length && events[i + 1] === end + 1) end = events[++i] as number;
    parts.push(start === end ? `${start}` : `${start}-${end}`);
    i++;
  }
  return parts.join(',');
}

/** The events both sides understand, limited to what voicegate supports. */
export function commonEvents(offered: readonly number[], max = SUPPORTED_EVENTS_MAX): number[] {
  return offered.filter((e) => e <= max);
}
