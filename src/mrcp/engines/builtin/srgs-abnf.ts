/**
 * SRGS 1.0 ABNF form (§4), voice mode, to the grammar tree: the `#ABNF 1.0` header, the
 * declarations (`language`, `mode`, `root`, `tag-format`, ...), rules `[public|private] $name =
 * expansion;` with `|` alternatives and `/weight/`, sequences, `( )`, `[ ]`, repeats `<n>`,
 * `<n-m>`, `<n->`, tokens (bare or quoted), `$NULL` `$VOID` `$GARBAGE`, tags `{...}` and
 * `{!{...}!}`. Recursive descent over a token list; bounded by input size and node budget.
 */
import {
  fail,
  GrammarError,
  NodeBudget,
  parseRepeat,
  tokenWords,
  type GrammarLimits,
  type SNode,
  type SpeechGrammar,
} from './srgs-ast.js';

type Tok = { k: 'word' | 'rule' | 'punct' | 'repeat' | 'weight' | 'tag'; v: string };

function lex(text: string, b: NodeBudget): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const until = (end: string, from: number, what: string): number => {
    const e = text.indexOf(end, from);
    return e < 0 ? fail(`unterminated ${what}`) : e;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) i++;
    else if (text.startsWith('//', i)) {
      const e = text.indexOf('\n', i);
      i = e < 0 ? text.length : e;
    } else if (text.startsWith('/*', i)) i = until('*/', i + 2, 'comment') + 2;
    else if (text.startsWith('{!{', i)) {
      const e = until('}!}', i + 3, 'tag');
      out.push({ k: 'tag', v: text.slice(i + 3, e) });
      i = e + 3;
    } else if (c === '{') {
      const e = until('}', i + 1, 'tag');
      out.push({ k: 'tag', v: text.slice(i + 1, e) });
      i = e + 1;
    } else if (c === '/') {
      const e = until('/', i + 1, 'weight');
      out.push({ k: 'weight', v: text.slice(i + 1, e) });
      i = e + 1;
    } else if (c === '<') {
      const e = until('>', i + 1, 'repeat');
      out.push({ k: 'repeat', v: text.slice(i + 1, e) });
      i = e + 1;
    } else if ('|()[];='.includes(c)) {
      out.push({ k: 'punct', v: c });
      i++;
    } else if (c === '"') {
      const e = until('"', i + 1, 'quoted token');
      out.push({ k: 'word', v: text.slice(i + 1, e) });
      i = e + 1;
    } else {
      let e = i;
      while (e < text.length && !/[\s|()[\];=<>{}/"]/.test(text[e] as string)) e++;
      const w = text.slice(i, e);
      out.push(w.startsWith('$') ? { k: 'rule', v: w.slice(1) } : { k: 'word', v: w.replace(/!\S*$/, '') });
      i = e;
    }
    b.take();
  }
  return out;
}

/** Deepest nesting of ( ) and [ ] (the XML form is bounded by the XML reader's depth). */
const MAX_DEPTH = 64;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly t: Tok[],
    private readonly l: GrammarLimits,
  ) {}

  peek(): Tok | undefined {
    return this.t[this.i];
  }
  next(): Tok {
    const t = this.t[this.i++];
    return t ?? fail('unexpected end of grammar');
  }
  isPunct(v: string): boolean {
    const t = this.peek();
    return t?.k === 'punct' && t.v === v;
  }
  expect(v: string): void {
    const t = this.next();
    if (t.k !== 'punct' || t.v !== v) fail(`expected "${v}", got "${t.v.slice(0, 20)}"`);
  }

  alternatives(): SNode {
    if (++this.depth > MAX_DEPTH) fail(`expansion nested deeper than ${MAX_DEPTH}`);
    const items: SNode[] = [];
    const weights: number[] = [];
    for (;;) {
      let w = 1;
      if (this.peek()?.k === 'weight') {
        w = Number(this.next().v.trim());
        if (!Number.isFinite(w) || w <= 0) fail('bad weight');
      }
      items.push(this.sequence());
      weights.push(w);
      if (!this.isPunct('|')) break;
      this.next();
    }
    this.depth--;
    return items.length === 1 ? (items[0] as SNode) : { t: 'alt', items, weights };
  }

  sequence(): SNode {
    const items: SNode[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || (t.k === 'punct' && (t.v === '|' || t.v === ')' || t.v === ']' || t.v === ';'))) break;
      if (t.k === 'tag') {
        this.next();
        items.push({ t: 'tag', v: t.v });
        continue;
      }
      let n = this.primary();
      const r = this.peek();
      if (r?.k === 'repeat') {
        this.next();
        const [min, max] = parseRepeat(r.v.trim().split(/\s+/)[0] ?? '', this.l.maxRepeat);
        n = { t: 'rep', item: n, min, max };
      }
      items.push(n);
    }
    if (items.length === 0) fail('empty expansion');
    return items.length === 1 ? (items[0] as SNode) : { t: 'seq', items };
  }

  primary(): SNode {
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
      if (t.v === 'NULL') return { t: 'null' };
      if (t.v === 'VOID') return { t: 'void' };
      if (t.v === 'GARBAGE') return { t: 'garbage' };
      if (t.v === '' || t.v.includes(':') || t.v.includes('/'))
        throw new GrammarError(
          'grammar-compilation-failure',
          `external rule reference $${t.v.slice(0, 80)} not supported`,
        );
      return { t: 'ref', name: t.v };
    }
    if (t.k === 'word') {
      const ws = tokenWords(t.v);
      if (ws.length === 0) return { t: 'null' };
      return ws.length === 1
        ? { t: 'word', w: ws[0] as string }
        : { t: 'seq', items: ws.map((w) => ({ t: 'word', w })) };
    }
    return fail(`unexpected "${t.v.slice(0, 20)}"`);
  }
}

/** Splits at top-level ";" (not inside tags, quotes or comments). */
function statements(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!quote && depth === 0 && text.startsWith('//', i)) {
      const e = text.indexOf('\n', i);
      i = e < 0 ? text.length : e;
    } else if (!quote && depth === 0 && text.startsWith('/*', i)) {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? fail('unterminated comment') : e + 1;
    } else if (c === '"' && depth === 0) quote = !quote;
    else if (!quote && c === '{') depth++;
    else if (!quote && c === '}') depth = Math.max(0, depth - 1);
    else if (!quote && depth === 0 && c === ';') {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (
    text
      .slice(start)
      .replace(/\/\/.*$/gm, '')
      .trim() !== ''
  )
    fail('statement without ";"');
  return out;
}

/** Reads an SRGS ABNF voice grammar; throws GrammarError. */
export function readSrgsAbnf(ref: string, text: string, l: GrammarLimits): SpeechGrammar {
  if (text.length > l.maxBytes) fail(`grammar larger than ${l.maxBytes} bytes`);
  const header = /^\s*#ABNF\s+1\.0[^;]*;/.exec(text);
  if (!header) fail('missing "#ABNF 1.0" header');
  const b = new NodeBudget(l.maxNodes);
  const rules = new Map<string, SNode>();
  let root: string | undefined;
  let first: string | undefined;
  for (const stmt of statements(text.slice((header as RegExpExecArray)[0].length))) {
    const s = stmt.trim();
    const decl = /^(language|mode|root|tag-format|base|lexicon|meta|http-equiv)\b\s*(.*)$/s.exec(s);
    const eq = s.indexOf('=');
    if (decl && (eq < 0 || decl[1] === 'meta' || decl[1] === 'http-equiv')) {
      if (decl[1] === 'mode' && (decl[2] ?? '').trim() !== 'voice')
        fail(`mode ${decl[2]} is not a speech grammar`);
      if (decl[1] === 'root') root = (decl[2] ?? '').trim().replace(/^\$/, '');
      continue;
    }
    if (s === '') continue;
    if (eq < 0) fail(`bad statement "${s.slice(0, 30)}"`);
    const head = s.slice(0, eq).trim().split(/\s+/);
    const name = head[head.length - 1] ?? '';
    if (!/^\$[A-Za-z_][\w.-]*$/.test(name)) fail(`bad rule name "${name.slice(0, 30)}"`);
    const p = new Parser(lex(s.slice(eq + 1), b), l);
    const n = p.alternatives();
    if (p.peek()) fail(`unexpected "${p.peek()?.v.slice(0, 20)}" in rule ${name}`);
    if (rules.has(name.slice(1))) fail(`rule ${name} defined twice`);
    rules.set(name.slice(1), n);
    first ??= name.slice(1);
  }
  const r = root ?? first;
  if (!r) return fail('no root rule');
  return { ref, root: r, rules };
}
