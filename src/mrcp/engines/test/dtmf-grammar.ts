/**
 * DTMF grammars compiled to a small NFA for exact matching (W3C SRGS 1.0 in DTMF mode, XML and
 * ABNF forms; `builtin:dtmf/digits` and `builtin:dtmf/boolean`). After each key the matcher says
 * whether the keys so far cannot match, are a prefix, are a complete match that may go on, or a
 * complete match that cannot. Bounded: rule recursion and oversized grammars are compilation
 * failures, never unbounded work.
 */
import { childElements, localName, parseXml, type XmlElement } from '../../nlsml/safe-xml.js';

export type DtmfNode = Node;
type Node =
  | { t: 'tok'; v: string }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; item: Node; min: number; max: number }
  | { t: 'ref'; name: string }
  | { t: 'void' };

export type DtmfState = 'none' | 'partial' | 'complete' | 'final';

export class GrammarCompileError extends Error {}

const MAX_STATES = 50_000;
const MAX_REPEAT = 1000;
const KEYS = /^[0-9*#A-Da-d]$/;

interface Nfa {
  eps: number[][];
  edges: { sym: string; to: number }[][];
  start: number;
  accept: number;
}

class Builder {
  readonly eps: number[][] = [];
  readonly edges: { sym: string; to: number }[][] = [];
  constructor(private readonly rules: ReadonlyMap<string, Node>) {}

  state(): number {
    if (this.eps.length >= MAX_STATES)
      throw new GrammarCompileError(`grammar larger than ${MAX_STATES} states`);
    this.eps.push([]);
    this.edges.push([]);
    return this.eps.length - 1;
  }

  /** Thompson construction: returns [start, end] of a fragment. */
  build(n: Node, stack: string[]): [number, number] {
    const s = this.state();
    switch (n.t) {
      case 'tok': {
        const e = this.state();
        this.edges[s]!.push({ sym: n.v.toUpperCase(), to: e });
        return [s, e];
      }
      case 'void':
        return [s, this.state()];
      case 'seq': {
        let cur = s;
        for (const it of n.items) {
          const [a, b] = this.build(it, stack);
          this.eps[cur]!.push(a);
          cur = b;
        }
        return [s, cur];
      }
      case 'alt': {
        const e = this.state();
        for (const it of n.items) {
          const [a, b] = this.build(it, stack);
          this.eps[s]!.push(a);
          this.eps[b]!.push(e);
        }
        return [s, e];
      }
      case 'rep': {
        let cur = s;
        for (let i = 0; i < n.min; i++) {
          const [a, b] = this.build(n.item, stack);
          this.eps[cur]!.push(a);
          cur = b;
        }
        const e = this.state();
        this.eps[cur]!.push(e);
        if (n.max === Infinity) {
          const [a, b] = this.build(n.item, stack);
          this.eps[cur]!.push(a);
          this.eps[b]!.push(cur);
        } else {
          for (let i = n.min; i < n.max; i++) {
            const [a, b] = this.build(n.item, stack);
            this.eps[cur]!.push(a);
            this.eps[b]!.push(e);
            cur = b;
          }
        }
        return [s, e];
      }
      case 'ref': {
        if (stack.includes(n.name)) throw new GrammarCompileError(`recursive rule ${n.name}`);
        const r = this.rules.get(n.name);
        if (!r) throw new GrammarCompileError(`undefined rule ${n.name}`);
        const [a, b] = this.build(r, [...stack, n.name]);
        this.eps[s]!.push(a);
        return [s, b];
      }
    }
  }
}

export class DtmfMatcher {
  private readonly nfa: Nfa;

  constructor(
    readonly ref: string,
    root: Node,
    rules: ReadonlyMap<string, Node> = new Map(),
    /** Maps the keys of a complete match to the instance (e.g. `1` → `true` for boolean). */
    readonly instanceOf: (keys: string) => string = (k) => k,
  ) {
    const b = new Builder(rules);
    const [start, accept] = b.build(root, []);
    this.nfa = { eps: b.eps, edges: b.edges, start, accept };
  }

  private closure(set: Set<number>): Set<number> {
    const stack = [...set];
    while (stack.length) {
      const s = stack.pop() as number;
      for (const t of this.nfa.eps[s]!) {
        if (set.has(t)) continue;
        set.add(t);
        stack.push(t);
      }
    }
    return set;
  }

  /** Where `keys` stand against this grammar. */
  state(keys: string): DtmfState {
    let cur = this.closure(new Set([this.nfa.start]));
    for (const k of keys.toUpperCase()) {
      const next = new Set<number>();
      for (const s of cur) for (const e of this.nfa.edges[s]!) if (e.sym === k) next.add(e.to);
      if (next.size === 0) return 'none';
      cur = this.closure(next);
    }
    const accepting = cur.has(this.nfa.accept);
    if (!accepting) return 'partial';
    for (const s of cur) if (this.nfa.edges[s]!.length > 0) return 'complete';
    return 'final';
  }
}

const digit: Node = { t: 'alt', items: '0123456789'.split('').map((v) => ({ t: 'tok', v })) };

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,4}$/.test(v)) throw new GrammarCompileError(`builtin parameter ${name}=${v} is not a count`);
  return Number(v);
}

/** `builtin:dtmf/digits?length=N` (or minlength/maxlength) and `builtin:dtmf/boolean`. */
export function compileBuiltinDtmf(uri: string): DtmfMatcher | undefined {
  const m = /^builtin:dtmf\/([a-z]+)(?:\?(.*))?$/i.exec(uri);
  if (!m) return undefined;
  const q = new URLSearchParams((m[2] ?? '').replace(/;/g, '&'));
  const kind = (m[1] as string).toLowerCase();
  if (kind === 'boolean')
    return new DtmfMatcher(
      uri,
      {
        t: 'alt',
        items: [
          { t: 'tok', v: '1' },
          { t: 'tok', v: '2' },
        ],
      },
      new Map(),
      (k) => (k === '1' ? 'true' : 'false'),
    );
  if (kind !== 'digits') return undefined;
  const len = intParam(q, 'length');
  const min = len ?? intParam(q, 'minlength') ?? 1;
  const max = len ?? intParam(q, 'maxlength') ?? Infinity;
  if (min > MAX_REPEAT || (max !== Infinity && (max > MAX_REPEAT || max < min)))
    throw new GrammarCompileError('bad digits length');
  return new DtmfMatcher(uri, { t: 'rep', item: digit, min, max });
}

export function parseRepeat(r: string | undefined): [number, number] {
  if (r === undefined) return [1, 1];
  const m = /^\s*(\d+)\s*(?:-\s*(\d*)\s*)?$/.exec(r);
  if (!m) throw new GrammarCompileError(`bad repeat "${r}"`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[2] === '' ? Infinity : Number(m[2]);
  if (min > MAX_REPEAT || (max !== Infinity && (max > MAX_REPEAT || max < min)))
    throw new GrammarCompileError(`repeat "${r}" out of range`);
  return [min, max];
}

export function dtmfTokens(text: string): Node[] {
  return text
    .split(/\s+/)
    .filter((t) => t !== '')
    .map((v) => {
      if (!KEYS.test(v)) throw new GrammarCompileError(`"${v.slice(0, 20)}" is not a DTMF key`);
      return { t: 'tok', v } as Node;
    });
}

function xmlNode(el: XmlElement): Node {
  const items: Node[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') {
      items.push(...dtmfTokens(c));
      continue;
    }
    const name = localName(c.name);
    if (name === 'tag' || name === 'example' || name === 'meta' || name === 'metadata' || name === 'lexicon')
      continue;
    if (name === 'token')
      items.push(...dtmfTokens(c.children.filter((x): x is string => typeof x === 'string').join(' ')));
    else if (name === 'item') {
      const [min, max] = parseRepeat(c.attrs.repeat);
      const inner = xmlNode(c);
      items.push(min === 1 && max === 1 ? inner : { t: 'rep', item: inner, min, max });
    } else if (name === 'one-of')
      items.push({
        t: 'alt',
        items: childElements(c, 'item').map((i) =>
          xmlNode({ name: 'one-of-item', attrs: {}, children: [i] }),
        ),
      });
    else if (name === 'ruleref') {
      const uri = c.attrs.uri;
      const special = c.attrs.special;
      if (special === 'NULL' || special === 'GARBAGE') continue;
      if (special === 'VOID') items.push({ t: 'void' });
      else if (uri?.startsWith('#')) items.push({ t: 'ref', name: uri.slice(1) });
      else throw new GrammarCompileError(`external rule reference ${uri ?? ''} not supported`);
    } else throw new GrammarCompileError(`unsupported element <${name}>`);
  }
  return items.length === 1 ? (items[0] as Node) : { t: 'seq', items };
}

/** SRGS XML with mode="dtmf". Returns undefined for a voice-mode grammar. */
export function compileSrgsXmlDtmf(ref: string, text: string): DtmfMatcher | undefined {
  const x = parseXml(text, { maxBytes: 1 << 20, maxDepth: 64, maxNodes: 100_000 });
  if (!x.ok) throw new GrammarCompileError(x.error);
  if (localName(x.root.name) !== 'grammar') throw new GrammarCompileError('root element is not <grammar>');
  if (x.root.attrs.mode !== 'dtmf') return undefined;
  const rules = new Map<string, Node>();
  for (const r of childElements(x.root, 'rule')) {
    const id = r.attrs.id;
    if (!id) throw new GrammarCompileError('<rule> without id');
    rules.set(id, xmlNode(r));
  }
  const root = x.root.attrs.root ?? childElements(x.root, 'rule')[0]?.attrs.id;
  if (!root || !rules.has(root)) throw new GrammarCompileError('no root rule');
  return new DtmfMatcher(ref, { t: 'ref', name: root }, rules);
}
