/**
 * DTMF in SIP INFO bodies (legacy, no Info Package, as carriers send them):
 * `application/dtmf-relay` (`Signal=5` / `Duration=160` lines) and `application/dtmf` (the key
 * alone). Parsing is bounded and returns undefined for anything that is not one key.
 */

export const DTMF_INFO_TYPES = ['application/dtmf-relay', 'application/dtmf'] as const;
export type DtmfInfoType = (typeof DTMF_INFO_TYPES)[number];

export interface InfoDigit {
  digit: string;
  durationMs: number | undefined;
}

const KEY = /^[0-9*#A-Da-d]$/;
/** RFC 4733 event numbers some senders put in application/dtmf bodies. */
const EVENT_KEYS = '0123456789*#ABCD';

export function isDtmfInfoType(contentType: string | undefined): contentType is DtmfInfoType {
  const t = contentType?.split(';')[0]?.trim().toLowerCase();
  return t === 'application/dtmf-relay' || t === 'application/dtmf';
}

export function parseDtmfInfo(contentType: string | undefined, body: Buffer): InfoDigit | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  const text = body.subarray(0, 256).toString('latin1');
  if (type === 'application/dtmf-relay') {
    const sig = /(?:^|\n)\s*Signal\s*=\s*(\S+)/i.exec(text);
    if (!sig) return undefined;
    let digit = sig[1] as string;
    if (/^\d{2}$/.test(digit) && Number(digit) < 16) digit = EVENT_KEYS[Number(digit)] as string;
    if (!KEY.test(digit)) return undefined;
    const dur = /(?:^|\n)\s*Duration\s*=\s*(\d{1,6})/i.exec(text);
    return { digit: digit.toUpperCase(), durationMs: dur ? Number(dur[1]) : undefined };
  }
  if (type === 'application/dtmf') {
    const t = text.trim();
    if (KEY.test(t)) return { digit: t.toUpperCase(), durationMs: undefined };
    if (/^\d{1,2}$/.test(t) && Number(t) < 16)
      return { digit: EVENT_KEYS[Number(t)] as string, durationMs: undefined };
  }
  return undefined;
}

export function formatDtmfInfo(type: DtmfInfoType, digit: string, durationMs: number): Buffer {
  return Buffer.from(
    type === 'application/dtmf-relay' ? `Signal=${digit}\r\nDuration=${Math.round(durationMs)}\r\n` : digit,
    'latin1',
  );
}
