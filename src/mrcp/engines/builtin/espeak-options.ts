/**
 * From a SPEAK's language and Voice-* / Prosody-* headers (RFC 6787 §8.4.1-§8.4.3) to espeak-ng
 * options: `-v voice[+variant]`, `-s` words per minute, `-p` pitch 0-99, `-a` amplitude 0-200.
 * Values that do not parse are ignored (the default applies), as SSML processors do.
 */
import { headerOr } from '../../codec/header-values.js';
import type { HeaderField } from '../../codec/message.js';

/** Language tag (lower case) → espeak-ng voice. Longest matching prefix wins. */
export const DEFAULT_VOICES: Readonly<Record<string, string>> = {
  en: 'en-us',
  'en-us': 'en-us',
  'en-gb': 'en-gb',
  cmn: 'cmn',
  zh: 'cmn',
  'zh-cn': 'cmn',
  'zh-cmn': 'cmn',
};

export const DEFAULT_RATE_WPM = 175;

/** The espeak-ng voice for a BCP 47 tag: exact, then shorter prefixes (`en-AU` → `en`). */
export function voiceFor(language: string, voices: Readonly<Record<string, string>>): string | undefined {
  const parts = language.toLowerCase().split('-');
  for (let n = parts.length; n > 0; n--) {
    const v = voices[parts.slice(0, n).join('-')];
    if (v !== undefined) return v;
  }
  return undefined;
}

const RATE_LABELS: Record<string, number> = {
  'x-slow': 0.5,
  slow: 0.75,
  medium: 1,
  default: 1,
  fast: 1.35,
  'x-fast': 1.7,
};
const VOLUME_LABELS: Record<string, number> = {
  silent: 0,
  'x-soft': 25,
  soft: 60,
  medium: 100,
  default: 100,
  loud: 150,
  'x-loud': 200,
};
const PITCH_LABELS: Record<string, number> = {
  'x-low': 20,
  low: 35,
  medium: 50,
  default: 50,
  high: 65,
  'x-high': 80,
};

const clamp = (v: number, lo: number, hi: number): number => Math.round(Math.min(hi, Math.max(lo, v)));

/** `+10%` / `-20%` → factor; a bare positive number → factor (Prosody-Rate's rate-number). */
function relative(v: string): number | undefined {
  const pct = /^([+-]\d{1,3}(?:\.\d+)?)%$/.exec(v);
  if (pct) return 1 + Number(pct[1]) / 100;
  const num = /^\d{1,3}(?:\.\d+)?$/.exec(v);
  return num ? Number(v) : undefined;
}

export interface EspeakVoiceChoice {
  voice: string;
  args: string[];
}

export interface VoiceMapOptions {
  voices: Readonly<Record<string, string>>;
  /** espeak-ng voices installed (from `espeak-ng --voices`); undefined: not checked. */
  installed?: ReadonlySet<string>;
  /** Words per minute at Prosody-Rate `medium` (espeak-ng's default 175). */
  rateWpm?: number;
}

export function espeakVoice(
  language: string,
  params: readonly HeaderField[],
  o: VoiceMapOptions,
): { ok: true; choice: EspeakVoiceChoice } | { ok: false; reason: string } {
  let voice = voiceFor(language, o.voices);
  const name = headerOr(params, 'Voice-Name', '').trim().toLowerCase();
  if (name !== '' && /^[a-z0-9-]{1,40}$/.test(name)) {
    const byName = Object.values(o.voices).includes(name) || o.installed?.has(name) ? name : undefined;
    if (byName) voice = byName;
  }
  if (voice === undefined) return { ok: false, reason: `no espeak-ng voice for language ${language}` };
  if (o.installed && !o.installed.has(voice))
    return { ok: false, reason: `espeak-ng voice ${voice} is not installed` };
  const gender = headerOr(params, 'Voice-Gender', '').trim().toLowerCase();
  const variant = headerOr(params, 'Voice-Variant', 0);
  let suffix = '';
  if (gender === 'female') suffix = `+f${clamp(variant || 3, 1, 5)}`;
  else if (gender === 'male' || variant > 0) suffix = `+m${clamp(variant || 3, 1, 7)}`;
  const args = ['-v', voice + suffix];
  const base = o.rateWpm ?? DEFAULT_RATE_WPM;
  const rate = headerOr(params, 'Prosody-Rate', '').trim().toLowerCase();
  const rf = RATE_LABELS[rate] ?? relative(rate);
  if (rf !== undefined && rf > 0) args.push('-s', String(clamp(base * rf, 80, 450)));
  const vol = headerOr(params, 'Prosody-Volume', '').trim().toLowerCase();
  const vl = VOLUME_LABELS[vol];
  if (vl !== undefined) args.push('-a', String(vl));
  else if (/^\d{1,3}(?:\.\d+)?$/.test(vol)) args.push('-a', String(clamp(Number(vol) * 2, 0, 200)));
  else if (/^[+-]\d{1,3}(?:\.\d+)?%$/.test(vol))
    args.push('-a', String(clamp(100 * (relative(vol) ?? 1), 0, 200)));
  const pitch = headerOr(params, 'Prosody-Pitch', '').trim().toLowerCase();
  const pl = PITCH_LABELS[pitch];
  if (pl !== undefined) args.push('-p', String(pl));
  else if (/^[+-]\d{1,3}(?:\.\d+)?%$/.test(pitch))
    args.push('-p', String(clamp(50 * (relative(pitch) ?? 1), 0, 99)));
  return { ok: true, choice: { voice, args } };
}
