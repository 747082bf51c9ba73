/**
 * A small, bounded XML reader for NLSML results and grammars. Safe by construction: a DOCTYPE
 * (and so any entity declaration) is refused, only the five predefined entities and character
 * references are expanded, and input size, nesting depth and node count are bounded. Errors are
 * returned, never thrown.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export interface XmlLimits {
  maxBytes?: number;
  maxDepth?: number;
  maxNodes?: number;
}

export type XmlResult = { ok: true; root: XmlElement } | { ok: false; error: string };

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;

class XmlError extends Error {}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]{1,10});/g, (_m, ent: string) => {
    if (ent[0] === '#') {
      const cp = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      if (!Number.isInteger(cp) || cp <= 0 || cp > 0x10ffff)
        throw new XmlError(`bad character reference &${ent};`);
      return String.fromCodePoint(cp);
    }
    const v = PREDEFINED[ent];
    if (v === undefined) throw new XmlError(`undeclared entity &${ent};`);
    return v;
  });
}

/** Parses one XML document into an element tree (whitespace-only text between elements dropped). */
export function parseXml(text: string, limits: XmlLimits = {}): XmlResult {
  const maxBytes = limits.maxBytes ?? 256 * 1024;
  const maxDepth = limits.maxDepth ?? 32;
  const maxNodes = limits.maxNodes ?? 10_000;
  if (text.length > maxBytes) return { ok: false, error: `document larger than ${maxBytes} characters` };
  try {
    let i = 0;
    let nodes = 0;
    const stack: XmlElement[] = [];
    let root: XmlElement | undefined;
    const pushText = (t: string): void => {
      const top = stack[stack.length - 1];
      if (!top) {
        if (t.trim() !== '') throw new XmlError('text outside the root element');
        return;
      }
      if (t.trim() === '') return;
      if (++nodes > maxNodes) throw new XmlError(`more than ${maxNodes} nodes`);
      top.children.push(decodeEntities(t));
    };
    while (i < text.length) {
      const lt = text.indexOf('<', i);
      if (lt < 0) {
        pushText(text.slice(i));
        break;
      }
      if (lt > i) pushText(text.slice(i, lt));
      if (text.startsWith('<?', lt)) {
        const e = text.indexOf('?>', lt + 2);
        if (e < 0) throw new XmlError('unterminated processing instruction');
        i = e + 2;
      } else if (text.startsWith('<!--', lt)) {
        const e = text.indexOf('-->', lt + 4);
        if (e < 0) throw new XmlError('unterminated comment');
        i = e + 3;
      } else if (text.startsWith('<![CDATA[', lt)) {
        const e = text.indexOf(']]>', lt + 9);
        if (e < 0) throw new XmlError('unterminated CDATA');
        const top = stack[stack.length - 1];
        if (!top) throw new XmlError('CDATA outside the root element');
        if (++nodes > maxNodes) throw new XmlError(`more than ${maxNodes} nodes`);
        top.children.push(text.slice(lt + 9, e));
        i = e + 3;
      } else if (text.startsWith('<!', lt)) {
        throw new XmlError('DOCTYPE and entity declarations are not accepted');
      } else if (text[lt + 1] === '/') {
        const m = NAME.exec(text.slice(lt + 2, lt + 2 + 256));
        const top = stack.pop();
        if (!m || !top || m[0] !== top.name) throw new XmlError(`mismatched end tag at ${lt}`);
        const gt = text.indexOf('>', lt);
        if (gt < 0 || text.slice(lt + 2 + m[0].length, gt).trim() !== '') throw new XmlError('bad end tag');
        i = gt + 1;
      } else {
        i = readStartTag(text, lt, stack, maxDepth, (el) => {
          if (++nodes > maxNodes) throw new XmlError(`more than ${maxNodes} nodes`);
          const top = stack[stack.length - 1];
          if (top) top.children.push(el);
          else if (root) throw new XmlError('more than one root element');
          else root = el;
        });
      }
    }
    if (stack.length > 0) return { ok: false, error: `unclosed element <${stack[stack.length - 1]!.name}>` };
    if (!root) return { ok: false, error: 'no root element' };
    return { ok: true, root };
  } catch (e) {
    if (e instanceof XmlError) return { ok: false, error: e.message };
    return { ok: false, error: `malformed XML (${(e as Error).message})` };
  }
}

function readStartTag(
  text: string,
  lt: number,
  stack: XmlElement[],
  maxDepth: number,
  add: (el: XmlElement) => void,
): number {
  const m = NAME.exec(text.slice(lt + 1, lt + 1 + 256));
  if (!m) throw new XmlError(`bad tag at ${lt}`);
  const el: XmlElement = { name: m[0], attrs: {}, children: [] };
  let i = lt + 1 + m[0].length;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (i >= text.length) throw new XmlError('unterminated start tag');
    if (text.startsWith('/>', i)) {
      add(el);
      return i + 2;
    }
    if (text[i] === '>') {
      add(el);
      if (stack.length >= maxDepth) throw new XmlError(`nesting deeper than ${maxDepth}`);
      stack.push(el);
      return i + 1;
    }
    const an = NAME.exec(text.slice(i, i + 256));
    if (!an) throw new XmlError(`bad attribute at ${i}`);
    i += an[0].length;
    while (/\s/.test(text[i] ?? '')) i++;
    if (text[i] !== '=') throw new XmlError(`attribute ${an[0]} without a value`);
    i++;
    while (/\s/.test(text[i] ?? '')) i++;
    const q = text[i];
    if (q !== '"' && q !== "'") throw new XmlError(`attribute ${an[0]} value not quoted`);
    const e = text.indexOf(q, i + 1);
    if (e < 0) throw new XmlError('unterminated attribute value');
    const v = text.slice(i + 1, e);
    if (v.includes('<')) throw new XmlError('"<" in an attribute value');
    el.attrs[an[0]] = decodeEntities(v);
    i = e + 1;
  }
}

/** Escapes text for element content or a double-quoted attribute. */
export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => `&${c === '<' ? 'lt' : c === '>' ? 'gt' : c === '&' ? 'amp' : c === '"' ? 'quot' : 'apos'};`,
  );
}

/** Concatenated text of a node and its descendants. */
export function textOf(n: XmlNode): string {
  return typeof n === 'string' ? n : n.children.map(textOf).join('');
}

/** Prints a node back as XML (used to hand an `<instance>` subtree on verbatim). */
export function printXml(n: XmlNode): string {
  if (typeof n === 'string') return escapeXml(n);
  const attrs = Object.entries(n.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  return n.children.length === 0
    ? `<${n.name}${attrs}/>`
    : `<${n.name}${attrs}>${n.children.map(printXml).join('')}</${n.name}>`;
}

/** Child elements, optionally of one local name (a namespace prefix is ignored). */
export function childElements(el: XmlElement, name?: string): XmlElement[] {
  return el.children.filter(
    (c): c is XmlElement => typeof c !== 'string' && (name === undefined || localName(c.name) === name),
  );
}

export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}
