/**
 * Privacy-number parsing: an 11-digit virtual number X plus an extension E, in every way people
 * and order systems write them (see docs in docs/handoffs/dialing.md and the spec):
 * `X-E`, `X－E`, `X_E`, `X,E`, `X，E`, `X#E`, `X*E`, `X转E`, `X轉E`, `X分机E`, `X ext E`, `XxE`,
 * optional `+86` / `0086` / `86`, an optional trailing `#`, full-width characters, spaces, and the
 * structured form `{ number, extension }`. X is a mobile (`1` + 10 digits, 13x-19x) or a landline
 * (`0` + 9-11 digits). Masked numbers (`170****5678`) and malformed ones return coded errors.
 */
import { err, ok, type Result } from './result.js';

export type NumberErrorCode =
  | 'empty'
  | 'too_long'
  | 'invalid_character'
  | 'masked_number'
  | 'masked_extension'
  | 'foreign_country_code'
  | 'international_prefix'
  | 'invalid_prefix'
  | 'number_too_short'
  | 'number_too_long'
  | 'invalid_mobile'
  | 'missing_number'
  | 'multiple_extensions'
  | 'extension_empty'
  | 'extension_not_digits'
  | 'extension_too_short'
  | 'extension_too_long'
  | 'extension_required'
  | 'conflicting_extension';

export interface NumberError {
  code: NumberErrorCode;
  /** What is wrong, for the API caller and the log. */
  message: string;
}

export type NumberKind = 'mobile' | 'landline';

export interface PrivacyNumber {
  kind: NumberKind;
  /** National form: 11 digits for a mobile, with the leading 0 for a landline. */
  national: string;
  /** The extension's digits, when there is one. */
  extension?: string;
  /** The input ended with `#` (the caller expects the terminator; plans decide whether to send it). */
  terminator: boolean;
}

export interface NumberParseOptions {
  /** Fewest extension digits (default 1). */
  extensionMin?: number;
  /** Most extension digits (default 4; at most 8). */
  extensionMax?: number;
  /** A plain number without extension is an error (default false). */
  requireExtension?: boolean;
}

export type StructuredNumber = { number: string; extension?: string | undefined };

/** Longest input considered (characters, before normalisation). */
export const MAX_NUMBER_INPUT = 64;

const DASHES = /[\u2010-\u2015\u2212\u30fc\ufe58\ufe63\uff70]/g;
const MASK = /[*x×•●·]{2,}|[?？]/;
/** Extension markers, longest first so `ext` wins over `x` and `分机号` over `分机`. */
const STRONG = /;ext=|extension|ext\.?|分机号|分機號|分机|分機|转|轉|x|,|_|#|\*/g;
const WEAK = /[- ]/g;

/** Parses text or the structured form; never throws. */
export function parsePrivacyNumber(
  input: string | StructuredNumber,
  opts: NumberParseOptions = {},
): Result<PrivacyNumber, NumberError> {
  const min = Math.max(1, opts.extensionMin ?? 1);
  const max = Math.min(8, Math.max(min, opts.extensionMax ?? 4));
  const parsed = typeof input === 'string' ? parseText(input, min, max) : parseStructured(input, min, max);
  if (!parsed.ok) return parsed;
  if (opts.requireExtension && parsed.value.extension === undefined) {
    return fail(
      'extension_required',
      `${parsed.value.national} has no extension, and this platform needs one`,
    );
  }
  return parsed;
}

function parseStructured(s: StructuredNumber, min: number, max: number): Result<PrivacyNumber, NumberError> {
  if (typeof s.number !== 'string') return fail('missing_number', 'number must be a string');
  const n = parseText(s.number, min, max);
  if (!n.ok || s.extension === undefined || s.extension === '') return n;
  if (typeof s.extension !== 'string')
    return fail('extension_not_digits', 'extension must be a string of digits');
  const e = checkExtension(normalise(s.extension).replace(/#$/, '').trim(), min, max);
  if (!e.ok) return e;
  if (n.value.extension !== undefined && n.value.extension !== e.value) {
    return fail(
      'conflicting_extension',
      `number carries extension ${n.value.extension} but extension says ${e.value}`,
    );
  }
  return ok({ ...n.value, extension: e.value });
}

function normalise(raw: string): string {
  // NFKC folds full-width digits, ＋ － ， ＃ ＊ and the ideographic space to ASCII.
  return raw.normalize('NFKC').replace(DASHES, '-').toLowerCase();
}

function parseText(raw: string, min: number, max: number): Result<PrivacyNumber, NumberError> {
  if (raw.length > MAX_NUMBER_INPUT)
    return fail('too_long', `input is ${raw.length} characters, at most ${MAX_NUMBER_INPUT}`);
  let s = normalise(raw).replace(/\s+/g, ' ').trim();
  if (s.startsWith('tel:')) s = s.slice(4);
  if (s === '') return fail('empty', 'no number given');
  let terminator = false;
  if (s.endsWith('#')) {
    terminator = true;
    s = s.slice(0, -1).trimEnd();
  }
  const mask = MASK.exec(s);
  if (mask) {
    // Ten or more digits before the mask: X is complete, so the mask hides the extension.
    const inExtension = s.slice(0, mask.index).replace(/\D/g, '').length >= 10;
    return inExtension
      ? fail('masked_extension', `the extension is masked ("${mask[0]}" hides digits)`)
      : fail(
          'masked_number',
          `the number is masked ("${mask[0]}" hides digits); a masked number cannot be dialled`,
        );
  }
  const strong = [...s.matchAll(STRONG)];
  if (strong.length > 1) {
    return fail(
      'multiple_extensions',
      `more than one extension separator ("${strong[0]![0]}", "${strong[1]![0]}")`,
    );
  }
  if (strong.length === 1) {
    const m = strong[0]!;
    const left = s.slice(0, m.index).trim();
    const right = s.slice(m.index! + m[0].length).trim();
    if (left === '') return fail('missing_number', `nothing before the extension separator "${m[0]}"`);
    const x = parseX(left);
    if (!x.ok) return x;
    const e = checkExtension(right, min, max);
    if (!e.ok) return e;
    return ok({ ...x.value, extension: e.value, terminator });
  }
  // Only '-' and spaces: grouping, or the separator before the extension.
  const whole = parseX(s);
  if (whole.ok) return ok({ ...whole.value, terminator });
  const weak = [...s.matchAll(WEAK)].at(-1);
  if (weak) {
    const left = s.slice(0, weak.index).trim();
    const right = s.slice(weak.index! + 1).trim();
    if (/^\d{1,16}$/.test(right)) {
      // Reads as X-E: report what is wrong with X or E rather than with the digits run together.
      const x = parseX(left);
      if (!x.ok) return x;
      const e = checkExtension(right, min, max);
      if (!e.ok) return e;
      return ok({ ...x.value, extension: e.value, terminator });
    }
  }
  return whole;
}

/** X with grouping characters and an optional country code. */
function parseX(text: string): Result<{ kind: NumberKind; national: string }, NumberError> {
  const bad = /[^0-9+\-. ()]/.exec(text);
  if (bad) return fail('invalid_character', `unexpected character "${bad[0]}" in the number`);
  const plus = text.indexOf('+');
  if (plus > 0 || text.indexOf('+', plus + 1) > 0)
    return fail('invalid_character', '"+" may only start the number');
  let d = text.replace(/[^0-9+]/g, '');
  if (d === '' || d === '+') return fail('missing_number', 'no digits in the number');
  let country = false;
  if (d.startsWith('+')) {
    if (!d.startsWith('+86'))
      return fail('foreign_country_code', `country code ${d.slice(0, 4)}…: only +86 numbers are dialled`);
    d = d.slice(3);
    country = true;
  } else if (d.startsWith('00')) {
    if (!d.startsWith('0086'))
      return fail('international_prefix', `${d.slice(0, 5)}… dials abroad: only 0086 is accepted`);
    d = d.slice(4);
    country = true;
  } else if (d.startsWith('86') && d.length >= 11) {
    // Neither a mobile (1…) nor a landline (0…) starts with 86: it is the country code.
    d = d.slice(2);
    country = true;
  }
  if (country && d !== '' && !d.startsWith('1') && !d.startsWith('0')) d = '0' + d;
  else if (country && d.startsWith('1') && d.length !== 11) d = '0' + d;
  if (d.startsWith('1')) {
    if (d.length < 11) return fail('number_too_short', `mobile number ${d} has ${d.length} digits, needs 11`);
    if (d.length > 11) return fail('number_too_long', `mobile number ${d} has ${d.length} digits, needs 11`);
    if (!/^1[3-9]/.test(d))
      return fail('invalid_mobile', `${d} is not a mobile number (mobiles start 13-19)`);
    return ok({ kind: 'mobile', national: d });
  }
  if (d.startsWith('0')) {
    if (d.startsWith('00'))
      return fail('international_prefix', `${d} starts with the international prefix 00`);
    if (d.length < 10)
      return fail('number_too_short', `landline ${d} has ${d.length} digits, needs 10-12 with the 0`);
    if (d.length > 12)
      return fail('number_too_long', `landline ${d} has ${d.length} digits, needs 10-12 with the 0`);
    return ok({ kind: 'landline', national: d });
  }
  return fail('invalid_prefix', `${d} is neither a mobile (1…) nor a landline (0…) number`);
}

function checkExtension(e: string, min: number, max: number): Result<string, NumberError> {
  if (e === '') return fail('extension_empty', 'an extension separator with no extension after it');
  if (!/^\d+$/.test(e)) return fail('extension_not_digits', `extension "${e}" must be digits only`);
  if (e.length < min)
    return fail('extension_too_short', `extension ${e} has ${e.length} digits, needs at least ${min}`);
  if (e.length > max)
    return fail('extension_too_long', `extension ${e} has ${e.length} digits, at most ${max}`);
  return ok(e);
}

function fail(code: NumberErrorCode, message: string): { ok: false; error: NumberError } {
  return err({ code, message });
}
