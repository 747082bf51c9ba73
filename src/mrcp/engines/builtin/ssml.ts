/**
 * SSML for espeak-ng (W3C SSML 1.0 as RFC 6787 §8.4 carries it). The document is read by the
 * bounded XML reader (no DOCTYPE, so no entity expansion; size, depth and node count bounded)
 * and then re-written: only elements espeak-ng's SSML mode handles are kept, with whitelisted
 * attributes and escaped text; others are dropped but their text is spoken (SSML §2.1: a
 * processor ignores what it does not support); `<mark>` splits the prompt into segments so the
 * engine can report where each mark falls. espeak-ng never sees the caller's bytes.
 */
import { localName, parseXml, type XmlElement, type XmlNode } from '../../nlsml/safe-xml.js';

export interface SsmlLimits {
  maxBytes?: number;
  maxDepth?: number;
  maxNodes?: number;
  /** Most `<mark>` segments (each is one espeak-ng run). */
  maxSegments?: number;
}

export const SSML_DEFAULTS = { maxBytes: 64 * 1024, maxDepth: 32, maxNodes: 10_000, maxSegments: 64 };

/** A piece of the prompt: SSML for espeak-ng's `-m` mode, or a mark between pieces. */
export type SsmlSegment = { ssml: string; text: string } | { mark: string };

export type SsmlResult = { ok: true; segments: SsmlSegment[]; lang?: string } | { ok: false; error: string };

/** Elements kept, with the attributes espeak-ng reads. */
const KEEP: Record<string, readonly string[]> = {
  voice: ['gender', 'age', 'variant', 'name', 'xml:lang'],
  prosody: ['rate', 'pitch', 'range', 'volume'],
  emphasis: ['level'],
  'say-as': ['interpret-as', 'format', 'detail'],
  p: ['xml:lang'],
  s: ['xml:lang'],
  paragraph: ['xml:lang'],
  sentence: ['xml:lang'],
};
const BREAK_ATTRS = ['time', 'strength'];
/** Elements whose content is not spoken. */
const SILENT = new Set(['lexicon', 'meta', 'metadata', 'desc']);
const ATTR_VALUE = /^[A-Za-z0-9 ._%+:#-]{0,64}$/;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function attrs(el: XmlElement, allowed: readonly string[]): string {
  let out = '';
  for (const a of allowed) {
    const v = el.attrs[a];
    if (v !== undefined && ATTR_VALUE.test(v)) out += ` ${a}="${v}"`;
  }
  return out;
}

class Writer {
  readonly segments: SsmlSegment[] = [];
  private buf = '';
  private text = '';
  private readonly open: { name: string; tag: string }[] = [];

  constructor(
    private readonly root: string,
    private readonly maxSegments: number,
  ) {}

  enter(name: string, tag: string): void {
    this.buf += tag;
    this.open.push({ name, tag });
  }
  leave(): void {
    const o = this.open.pop();
    if (o) this.buf += `</${o.name}>`;
  }
  raw(s: string): void {
    this.buf += s;
  }
  words(s: string): void {
    this.buf += esc(s);
    this.text += s;
  }
  mark(name: string): void {
    this.cut();
    if (this.segments.length >= this.maxSegments) throw new Error(`more than ${this.maxSegments} marks`);
    this.segments.push({ mark: name });
    for (const o of this.open) this.buf += o.tag;
  }
  /** Ends the current piece: closes the open elements (they are re-opened after a mark). */
  cut(): void {
    if (this.text.trim() !== '' || /<break/.test(this.buf)) {
      let close = '';
      for (let i = this.open.length - 1; i >= 0; i--)
        close += `</${(this.open[i] as { name: string }).name}>`;
      if (this.segments.length >= this.maxSegments) throw new Error(`more than ${this.maxSegments} segments`);
      this.segments.push({ ssml: `${this.root}${this.buf}${close}</speak>`, text: this.text });
    }
    this.buf = '';
    this.text = '';
  }
}

function walk(n: XmlNode, w: Writer): void {
  if (typeof n === 'string') {
    w.words(n);
    return;
  }
  const name = localName(n.name);
  if (SILENT.has(name)) return;
  if (name === 'mark') {
    const m = n.attrs.name;
    if (m !== undefined) w.mark(m);
    return;
  }
  if (name === 'break') {
    w.raw(`<break${attrs(n, BREAK_ATTRS)}/>`);
    return;
  }
  if (name === 'sub') {
    const alias = n.attrs.alias;
    if (alias !== undefined) w.words(` ${alias} `);
    else for (const c of n.children) walk(c, w);
    return;
  }
  const keep = KEEP[name];
  if (keep) w.enter(name, `<${name}${attrs(n, keep)}>`);
  else w.raw(' '); // an ignored element still separates words
  for (const c of n.children) walk(c, w);
  if (keep) w.leave();
  else w.raw(' ');
}

/** Checks and rewrites an SSML document; errors are parse failures (RFC 6787 §8.4.11 cause 002). */
export function prepareSsml(text: string, limits: SsmlLimits = {}): SsmlResult {
  const l = { ...SSML_DEFAULTS, ...limits };
  if (Buffer.byteLength(text, 'utf8') > l.maxBytes)
    return { ok: false, error: `SSML document larger than ${l.maxBytes} bytes` };
  const x = parseXml(text, { maxBytes: l.maxBytes, maxDepth: l.maxDepth, maxNodes: l.maxNodes });
  if (!x.ok) return { ok: false, error: x.error };
  if (localName(x.root.name) !== 'speak') return { ok: false, error: 'root element is not <speak>' };
  const lang = x.root.attrs['xml:lang'];
  const okLang =
    lang !== undefined && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/.test(lang) ? lang : undefined;
  const root = okLang ? `<speak xml:lang="${okLang}">` : '<speak>';
  const w = new Writer(root, l.maxSegments);
  try {
    for (const c of x.root.children) walk(c, w);
    w.cut();
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  return okLang ? { ok: true, segments: w.segments, lang: okLang } : { ok: true, segments: w.segments };
}
