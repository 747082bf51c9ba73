/**
 * NLSML recognition results (RFC 6787 §6.3 and §9.6, the W3C NL Semantics Markup Language
 * subset MRCPv2 uses): `<result>` with N-best `<interpretation>`s, each with `grammar`,
 * `confidence`, `<instance>` and `<input mode="speech|dtmf">`, or `<noinput/>` / `<nomatch/>`.
 * We send `application/nlsml+xml` and accept `application/x-nlsml` too (UniMRCP sends it).
 */
import {
  childElements,
  escapeXml,
  localName,
  parseXml,
  printXml,
  textOf,
  type XmlElement,
  type XmlLimits,
} from './safe-xml.js';

export const NLSML_CONTENT_TYPE = 'application/nlsml+xml';
export const NLSML_CONTENT_TYPES = [NLSML_CONTENT_TYPE, 'application/x-nlsml'] as const;
const NLSML_NS = 'urn:ietf:params:xml:ns:mrcpv2';

/** Whether a Content-Type (any case, with or without parameters) is an NLSML type. */
export function isNlsmlContentType(contentType: string): boolean {
  const t = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (NLSML_CONTENT_TYPES as readonly string[]).includes(t);
}

export type InputMode = 'speech' | 'dtmf';

export interface NlsmlInterpretation {
  grammar?: string;
  /** 0.0–1.0 (§9.6: NLSML confidence is a float in [0, 1]). */
  confidence?: number;
  /** The semantic result: plain text, or named fields printed as child elements. */
  instance: string | Record<string, string>;
  /** Verbatim XML of the instance's content, when parsed (structured instances). */
  instanceXml?: string;
  /** What was heard or keyed. */
  input: string;
  mode?: InputMode;
  inputConfidence?: number;
}

export interface NlsmlResult {
  grammar?: string;
  interpretations: NlsmlInterpretation[];
  /** `<noinput/>`: nothing was heard. */
  noInput?: boolean;
  /** `<nomatch/>`: input matched no grammar; `input` may hold what was heard. */
  noMatch?: boolean;
  input?: string;
  mode?: InputMode;
}

const conf = (n: number): string => (Math.round(Math.min(1, Math.max(0, n)) * 1000) / 1000).toString();

function instanceXml(i: NlsmlInterpretation['instance']): string {
  if (typeof i === 'string') return escapeXml(i);
  return Object.entries(i)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
}

/** Builds an NLSML document. N-best interpretations are printed in the order given. */
export function buildNlsml(r: NlsmlResult): string {
  const g = r.grammar !== undefined ? ` grammar="${escapeXml(r.grammar)}"` : '';
  let body = '';
  if (r.noInput || r.noMatch) {
    const mode = r.mode ? ` mode="${r.mode}"` : '';
    const inner = r.noInput ? '<noinput/>' : `<nomatch/>${r.input ? escapeXml(r.input) : ''}`;
    body = `  <interpretation>\n    <instance/>\n    <input${mode}>${inner}</input>\n  </interpretation>\n`;
  } else {
    for (const it of r.interpretations) {
      const attrs =
        (it.grammar !== undefined ? ` grammar="${escapeXml(it.grammar)}"` : '') +
        (it.confidence !== undefined ? ` confidence="${conf(it.confidence)}"` : '');
      const inAttrs =
        (it.mode ? ` mode="${it.mode}"` : '') +
        (it.inputConfidence !== undefined ? ` confidence="${conf(it.inputConfidence)}"` : '');
      body +=
        `  <interpretation${attrs}>\n` +
        `    <instance>${instanceXml(it.instance)}</instance>\n` +
        `    <input${inAttrs}>${escapeXml(it.input)}</input>\n` +
        `  </interpretation>\n`;
    }
  }
  return `<?xml version="1.0"?>\n<result xmlns="${NLSML_NS}"${g}>\n${body}</result>\n`;
}

export type NlsmlParse = { ok: true; result: NlsmlResult } | { ok: false; error: string };

function readConfidence(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) return undefined;
  // Some servers send 0–100 (MRCPv1 habit); normalise to 0–1.
  return n > 1 ? Math.min(1, n / 100) : Math.max(0, n);
}

function readMode(v: string | undefined): InputMode | undefined {
  return v === 'dtmf' ? 'dtmf' : v === 'speech' || v === 'voice' ? 'speech' : undefined;
}

/** Parses an NLSML result (either content type), bounded and without entity expansion. */
export function parseNlsml(text: string, limits: XmlLimits = {}): NlsmlParse {
  const x = parseXml(text, limits);
  if (!x.ok) return { ok: false, error: x.error };
  if (localName(x.root.name) !== 'result')
    return { ok: false, error: `root element is <${x.root.name}>, not <result>` };
  const result: NlsmlResult = { interpretations: [] };
  if (x.root.attrs.grammar !== undefined) result.grammar = x.root.attrs.grammar;
  for (const el of childElements(x.root, 'interpretation')) {
    const inputEl = childElements(el, 'input')[0];
    const inst = childElements(el, 'instance')[0];
    const mode = readMode(inputEl?.attrs.mode);
    if (inputEl && childElements(inputEl, 'noinput').length > 0) {
      result.noInput = true;
      if (mode) result.mode = mode;
      continue;
    }
    if (inputEl && childElements(inputEl, 'nomatch').length > 0) {
      result.noMatch = true;
      if (mode) result.mode = mode;
      const heard = textOf(inputEl).trim();
      if (heard) result.input = heard;
      continue;
    }
    const interp: NlsmlInterpretation = {
      instance: inst ? instanceOf(inst) : '',
      input: inputEl ? textOf(inputEl).trim() : '',
    };
    const xml = inst && childElements(inst).length > 0 ? inst.children.map(printXml).join('') : undefined;
    if (xml !== undefined) interp.instanceXml = xml;
    const grammar = el.attrs.grammar ?? result.grammar;
    if (grammar !== undefined) interp.grammar = grammar;
    const c = readConfidence(el.attrs.confidence);
    if (c !== undefined) interp.confidence = c;
    if (mode) interp.mode = mode;
    const ic = readConfidence(inputEl?.attrs.confidence);
    if (ic !== undefined) interp.inputConfidence = ic;
    result.interpretations.push(interp);
  }
  // <noinput/> / <nomatch/> may also sit directly under <result> (older servers).
  if (childElements(x.root, 'noinput').length > 0) result.noInput = true;
  if (childElements(x.root, 'nomatch').length > 0) result.noMatch = true;
  return { ok: true, result };
}

function instanceOf(inst: XmlElement): NlsmlInterpretation['instance'] {
  const kids = childElements(inst);
  if (kids.length === 0) return textOf(inst).trim();
  // One level of named fields becomes a record; deeper structure stays in instanceXml.
  const rec: Record<string, string> = {};
  for (const k of kids) rec[localName(k.name)] = textOf(k).trim();
  return rec;
}
