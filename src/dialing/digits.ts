/**
 * Digit strings as FreeSWITCH, Asterisk and Twilio users write them: `0-9 * # A-D`, with `w` a
 * 500 ms pause and `W` a 1 s pause; `{ext}` in a plan's template stands for the extension.
 */
import { err, ok, type Result } from './result.js';

export const PAUSE_SHORT_MS = 500;
export const PAUSE_LONG_MS = 1000;
/** Longest digit string after template expansion. */
export const MAX_DIGITS = 64;

export type DigitSegment = { kind: 'digits'; digits: string } | { kind: 'pause'; ms: number };

export interface DigitError {
  code: 'digits_empty' | 'digits_too_long' | 'digits_invalid' | 'template_invalid';
  message: string;
}

/** Characters a digit template may hold (before expansion). */
export const DIGIT_TEMPLATE = /^(?:[0-9*#A-Da-dwW]|\{ext\})*$/;

/** Replaces `{ext}` with the extension. */
export function expandDigits(template: string, ext: string | undefined): Result<string, DigitError> {
  if (!DIGIT_TEMPLATE.test(template)) {
    return err({ code: 'template_invalid', message: `"${template}": use 0-9 * # A-D w W and {ext}` });
  }
  if (template.includes('{ext}') && ext === undefined) {
    return err({
      code: 'template_invalid',
      message: `"${template}" needs an extension and the number has none`,
    });
  }
  return ok(template.replaceAll('{ext}', ext ?? ''));
}

/** Splits a digit string into runs of digits and pauses (adjacent pauses add up). */
export function parseDigits(s: string): Result<DigitSegment[], DigitError> {
  if (s.length === 0) return err({ code: 'digits_empty', message: 'no digits to send' });
  if (s.length > MAX_DIGITS)
    return err({ code: 'digits_too_long', message: `${s.length} characters, at most ${MAX_DIGITS}` });
  const out: DigitSegment[] = [];
  for (const ch of s) {
    const last = out.at(-1);
    if (ch === 'w' || ch === 'W') {
      const ms = ch === 'w' ? PAUSE_SHORT_MS : PAUSE_LONG_MS;
      if (last?.kind === 'pause') last.ms += ms;
      else out.push({ kind: 'pause', ms });
    } else if (/^[0-9*#A-Da-d]$/.test(ch)) {
      const d = ch.toUpperCase();
      if (last?.kind === 'digits') last.digits += d;
      else out.push({ kind: 'digits', digits: d });
    } else {
      return err({
        code: 'digits_invalid',
        message: `"${ch}" is not a DTMF digit or pause (0-9 * # A-D w W)`,
      });
    }
  }
  return ok(out);
}
