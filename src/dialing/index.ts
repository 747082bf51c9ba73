/**
 * Dialing layer: privacy-number parsing and formatting, carrier and platform profiles, dialing
 * plans as data, the plan runner against the narrow DialControl interface (implemented by the
 * call layer) and outcome classification. May import: media (types only).
 */
export {
  DIGIT_TEMPLATE,
  expandDigits,
  MAX_DIGITS,
  PAUSE_LONG_MS,
  PAUSE_SHORT_MS,
  parseDigits,
} from './digits.js';
export type { DigitError, DigitSegment } from './digits.js';
export { MAX_NUMBER_INPUT, parsePrivacyNumber } from './number.js';
export type {
  NumberError,
  NumberErrorCode,
  NumberKind,
  NumberParseOptions,
  PrivacyNumber,
  StructuredNumber,
} from './number.js';
export { formatNumber, NUMBER_STYLES } from './number-format.js';
export type { NumberFormat, NumberStyle } from './number-format.js';
export type { Result } from './result.js';
