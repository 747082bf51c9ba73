/**
 * SRGS ABNF form (W3C SRGS 1.0 §4) for DTMF grammars: self-identifying header, `mode dtmf;`,
 * `root $r;`, rules `[public] $name = expansion;` with alternatives `|`, sequences, `( )`,
 * optional `[ ]`, repeats `<n>` `<n-m>` `<n->`, `$NULL` / `$VOID` / `$GARBAGE`, and weights `/w/`
 * and tags `{...}` skipped. A recursive descent parser, bounded by the input size.
 */
import { DtmfMatcher, GrammarCompileError, parseRepeat, type DtmfNode } from './dtmf-grammar.js';

type Tok = { k: 'word' | 'rule' | 'punct' | 'repeat'; v: string };

function lex(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) i++;
    else if (text.startsWith('//', i)) i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (text.startsWith('/*', i)) {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) throw new GrammarCompileError('unterminated comment');
      i = e + 2;
    } else if (c === '{') {
      // Tags: skip to the matching brace (`{! ... !}` form too).
      const e = text.indexOf(text.startsWith('{!{', i) ? '}!}' : '}', i + 1);
      if (e < 0) throw new GrammarCompileError('unterminated tag');
      i = e + 1;
    } else if (c === '/') {
      const e = text.indexOf('/', i + 1);
      if (e < 0) throw new GrammarCompileError('unterminated weight');
      i = e + 1;
    } else if (c === '<') {
      const e = text.indexOf('>', i + 1);
      if (e < 0) throw new GrammarCompileError('unterminated repeat');
      out.push({ k: 'repeat', v: text.slice(i + 1, e) });
      i = e + 1;
    } else if ('|()[];='.includes(c)) {
      out.push({ k: 'punct', v: c });
      i++;
    } else if (c === '"') {
      const e = text.indexOf('"', i + 1);
      if (e < 0) throw new GrammarCompileError('unterminated quoted token');
      out.push({ k: 'word', v: text.slice(i + 1, e) });
      i = e + 1;
    } else {
      let e = i;
      while (e < text.length && !/[\s|()[\];=<>{}/"]/.test(text[e] as string)) e++;
      const w = text.slice(i, e);
      out.push(w.startsWith('$') ? { k: 'rule', v: w.slice(1) } : { k: 'word', v: w });
      i = e;
    }
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly t: Tok[]) {}

  peek(): Tok | undefined {
    return this.t[this.i];
  }
  next(): Tok {
    const t = this.t[this.i++];
    if (!t) throw new GrammarCompileError('unexpected end of grammar');
    return t;
  }
  isPunct(v: string): boolean {
    const t = this.peek();
    return t?.k === 'punct' && t.v === v;
  }
  expect(v: string): void {
    const t = this.next();
    if (t.k !== 'punct' || t.v !== v) throw new GrammarCompileError(`expected "${v}", got "${t.v}"`);
  }

  alternatives(): DtmfNode {
    const items = [this.sequence()];
    while (this.isPunct('|')) {
      this.next();
      items.push(this.sequence());
    }
    return items.length === 1 ? (items[0] as DtmfNode) : { t: 'alt', items };
  }

  sequence(): DtmfNode {
    const items: DtmfNode[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || (t.k === 'punct' && (t.v === '|' || t.v === ')' || t.v === ']' || t.v === ';'))) break;
      let n = this.primary();
      const r = this.peek();
      if (r?.k === 'repeat') {
        this.next();
        const [min, max] = parseRepeat(r.v.split(/\s+/)[0]);
        n = { t: 'rep', item: n, min, max };
      }
      items.push(n);
    }
    if (items.length === 0) throw new GrammarCompileError('empty expansion');
    return items.length === 1 ? (items[0] as DtmfNode) : { t: 'seq', items };
  }

  primary(): DtmfNode {
    const t = this.next();
    if (t.k === 'punct' && t.v === '(') {
      const n = this.alternatives();
      this.expect(')');
      return n;
    }
    if (t.k === 'punct' && t.v === '[') {
      const n = this.alternatives();
      this.expect(']');
      return { t: 'rep', item: n, min: 0, max: 1 };
    }
    if (t.k === 'rule') {
      if (t.v === 'NULL' || t.v === 'GARBAGE') return { t: 'seq', items: [] };
      if (t.v === 'VOID') return { t: 'void' };
      return { t: 'ref', name: t.v };
    }
    if (t.k === 'word') {
      if (!/^[0-9*#A-Da-d]$/.test(t.v))
        throw new GrammarCompileError(`"${t.v.slice(0, 20)}" is not a DTMF key`);
      return { t: 'tok', v: t.v };
    }
    throw new GrammarCompileError(`unexpected "${t.v}"`);
  }
}

/** SRGS ABNF in DTMF mode. Returns undefined for a voice-mode grammar. */
export function compileAbnfDtmf(ref: string, text: string): DtmfMatcher | undefined {
  if (text.length > 1 << 20) throw new GrammarCompileError('grammar too large');
  const header = /^\s*#ABNF\s+1\.0[^;]*;/.exec(text);
  if (!header) throw new GrammarCompileError('missing "#ABNF 1.0" header');
  const body = text.slice(header[0].length);
  const mode = /(?:^|;)\s*mode\s+(voice|dtmf)\s*;/.exec(body);
  if (mode?.[1] !== 'dtmf') return undefined;
  const rootDecl = /(?:^|;)\s*root\s+\$([^\s;]+)\s*;/.exec(body);
  const rules = new Map<string, DtmfNode>();
  let first: string | undefined;
  // Declarations end in ";" and contain no "=": drop them, then parse rule definitions.
  for (const stmt of splitStatements(body)) {
    const eq = stmt.indexOf('=');
    if (eq < 0) continue;
    const head = stmt.slice(0, eq).trim().split(/\s+/);
    const name = head[head.length - 1] ?? '';
    if (!name.startsWith('$')) throw new GrammarCompileError(`bad rule definition "${stmt.slice(0, 30)}"`);
    const p = new Parser(lex(stmt.slice(eq + 1)));
    const n = p.alternatives();
    if (p.peek()) throw new GrammarCompileError(`unexpected "${p.peek()?.v}" in rule ${name}`);
    rules.set(name.slice(1), n);
    first ??= name.slice(1);
  }
  const root = rootDecl?.[1] ?? first;
  if (!root || !rules.has(root)) throw new GrammarCompileError('no root rule');
  return new DtmfMatcher(ref, { t: 'ref', name: root }, rules);
}

/** Splits at top-level ";" (not inside tags, quotes or comments). */
function splitStatements(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quote = !quote;
    else if (!quote && c === '{') depth++;
    else if (!quote && c === '}') depth = Math.max(0, depth - 1);
    else if (!quote && depth === 0 && c === ';') {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (text.slice(start).trim() !== '') throw new GrammarCompileError('statement without ";"');
  return out;
}
