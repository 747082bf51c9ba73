/**
 * Renders X the way a trunk wants it in the Request-URI user part: E.164 `+86…` (the landline's
 * leading 0 dropped, ITU-T E.164), `86…` without the plus, `0086…`, or the national form with
 * the trunk's leading-0 rules (keep or strip a landline's 0; a 0 before mobiles for trunks that
 * dial out-of-area mobiles that way), after an optional dial prefix.
 */
import type { PrivacyNumber } from './number.js';

export const NUMBER_STYLES = ['e164', 'e164-digits', 'international', 'national'] as const;
export type NumberStyle = (typeof NUMBER_STYLES)[number];

export interface NumberFormat {
  style: NumberStyle;
  /** National style: keep or strip a landline's leading 0 (default keep). */
  landlineZero?: 'keep' | 'strip';
  /** National style: put a 0 before mobile numbers (default false). */
  mobileZero?: boolean;
  /** Digits dialled before everything (an outside-line or carrier-select prefix), default none. */
  prefix?: string;
}

export function formatNumber(n: Pick<PrivacyNumber, 'kind' | 'national'>, f: NumberFormat): string {
  const significant = n.kind === 'landline' ? n.national.slice(1) : n.national;
  let body: string;
  switch (f.style) {
    case 'e164':
      body = `+86${significant}`;
      break;
    case 'e164-digits':
      body = `86${significant}`;
      break;
    case 'international':
      body = `0086${significant}`;
      break;
    case 'national':
      if (n.kind === 'landline') body = f.landlineZero === 'strip' ? significant : n.national;
      else body = f.mobileZero ? `0${n.national}` : n.national;
      break;
  }
  // A prefix goes before a plus-less form only: "+" must stay first in E.164.
  return f.prefix && !body.startsWith('+') ? f.prefix + body : body;
}
