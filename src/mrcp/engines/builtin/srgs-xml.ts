/**
 * SRGS 1.0 XML form (§2-§4), voice mode, to the grammar tree: `<rule>`, `<item repeat weight>`,
 * `<one-of>`, `<token>`, `<ruleref uri="#r">` and `special` (NULL, VOID, GARBAGE), `<tag>`.
 * `<example>`, `<meta>`, `<metadata>`, `<lexicon>` are skipped; external rule references are
 * refused (we fetch nothing). Read with the bounded XML reader (no DOCTYPE or entities).
 */
import { childElements, localName, parseXml, type XmlElement } from '../../nlsml/safe-xml.js';
import {
  fail,
  GrammarError,
  NodeBudget,
  parseRepeat,
  wordsNode,
  type GrammarLimits,
  type SNode,
  type SpeechGrammar,
} from './srgs-ast.js';

const SKIP = new Set(['example', 'meta', 'metadata', 'lexicon']);

function node(el: XmlElement, b: NodeBudget, l: GrammarLimits): SNode {
  const items: SNode[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') {
      const w = wordsNode(c, b);
      if (w) items.push(w);
      continue;
    }
    b.take();
    const name = localName(c.name);
    if (SKIP.has(name)) continue;
    if (name === 'token') {
      const w = wordsNode(c.children.filter((x): x is string => typeof x === 'string').join(' '), b);
      if (w) items.push(w);
    } else if (name === 'tag')
      items.push({ t: 'tag', v: c.children.filter((x) => typeof x === 'string').join(' ') });
    else if (name === 'item') {
      const inner = node(c, b, l);
      const [min, max] = c.attrs.repeat === undefined ? [1, 1] : parseRepeat(c.attrs.repeat, l.maxRepeat);
      items.push(min === 1 && max === 1 ? inner : { t: 'rep', item: inner, min, max });
    } else if (name === 'one-of') {
      const alts = childElements(c, 'item');
      if (alts.length === 0) fail('<one-of> without <item>');
      const weights = alts.map((i) => {
        const w = i.attrs.weight === undefined ? 1 : Number(i.attrs.weight);
        return Number.isFinite(w) && w > 0 ? w : fail(`bad weight "${String(i.attrs.weight).slice(0, 20)}"`);
      });
      items.push({
        t: 'alt',
        items: alts.map((i) => node({ name: 'x', attrs: {}, children: [i] }, b, l)),
        weights,
      });
    } else if (name === 'ruleref') {
      const special = c.attrs.special;
      const uri = c.attrs.uri;
      if (special === 'NULL') items.push({ t: 'null' });
      else if (special === 'VOID') items.push({ t: 'void' });
      else if (special === 'GARBAGE') items.push({ t: 'garbage' });
      else if (uri?.startsWith('#')) items.push({ t: 'ref', name: uri.slice(1) });
      else
        throw new GrammarError(
          'grammar-compilation-failure',
          `external rule reference ${String(uri).slice(0, 80)} not supported`,
        );
    } else fail(`unsupported element <${name.slice(0, 30)}>`);
  }
  if (items.length === 1) return items[0] as SNode;
  return items.length === 0 ? { t: 'null' } : { t: 'seq', items };
}

/** Reads an SRGS XML voice grammar; throws GrammarError. */
export function readSrgsXml(ref: string, text: string, l: GrammarLimits): SpeechGrammar {
  if (text.length > l.maxBytes) fail(`grammar larger than ${l.maxBytes} bytes`);
  const x = parseXml(text, { maxBytes: l.maxBytes, maxDepth: 64, maxNodes: l.maxNodes });
  if (!x.ok) return fail(x.error);
  if (localName(x.root.name) !== 'grammar') fail('root element is not <grammar>');
  if ((x.root.attrs.mode ?? 'voice') !== 'voice') fail(`mode ${x.root.attrs.mode} is not a speech grammar`);
  const b = new NodeBudget(l.maxNodes);
  const rules = new Map<string, SNode>();
  for (const r of childElements(x.root, 'rule')) {
    const id = r.attrs.id;
    if (!id) fail('<rule> without id');
    if (rules.has(id as string)) fail(`rule ${id} defined twice`);
    rules.set(id as string, node(r, b, l));
  }
  const root = x.root.attrs.root ?? childElements(x.root, 'rule')[0]?.attrs.id;
  if (!root) return fail('no root rule');
  return { ref, root, rules };
}
