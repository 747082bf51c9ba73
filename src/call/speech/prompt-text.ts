/**
 * A say's text as an MRCP SPEAK: plain text or SSML (RFC 6787 §8.4: text/plain or
 * application/ssml+xml), call variables filled in (XML-escaped inside SSML), and the synthesizer
 * options as SPEAK headers (§8.4: Voice-Name, Prosody-*, Speech-Language, Kill-On-Barge-In).
 */
import type { SynthesizerOptions } from './speech-types.js';

export const SSML_TYPE = 'application/ssml+xml';

/** SSML when the text is an XML document (`<speak ...>` or `<?xml ...?>`), plain text otherwise. */
export function contentTypeOf(text: string): string {
  const t = text.trimStart();
  return t.startsWith('<speak') || t.startsWith('<?xml') ? SSML_TYPE : 'text/plain';
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** `{name}` → the call variable `name` (escaped for SSML); unknown names stay as written. */
export function expandText(text: string, vars: ReadonlyMap<string, string>, ssml: boolean): string {
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const v = vars.get(name);
    if (v === undefined) return whole;
    return ssml ? v.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c) : v;
  });
}

/** SPEAK headers for the synthesizer options (values without CR/LF: they become header lines). */
export function speakHeaders(
  o: SynthesizerOptions | undefined,
  defaultLanguage: string | undefined,
  killOnBargeIn: boolean,
): Record<string, string> {
  const h: Record<string, string> = { 'Kill-On-Barge-In': String(killOnBargeIn) };
  const language = o?.language ?? defaultLanguage;
  if (language) h['Speech-Language'] = language;
  if (o?.voice) h['Voice-Name'] = o.voice;
  if (o?.rate) h['Prosody-Rate'] = o.rate;
  if (o?.volume) h['Prosody-Volume'] = o.volume;
  for (const k of Object.keys(h)) h[k] = (h[k] as string).replace(/[\r\n]+/g, ' ');
  return h;
}
