/**
 * The survey's answer rules: a small, safe expression language over a round's inputs, e.g.
 *   digits == "1" || speech in ["yes", "satisfied"]
 *   confidence >= 0.6 && speech contains "good"
 * Operators: || && ! == != < <= > >= in contains, parentheses; values: "strings", numbers,
 * true/false, [lists]; names: digits, speech (the top transcript), confidence, interpretation
 * (the grammar's meaning, e.g. "true" for yes with builtin:grammar/boolean), reason, attempt.
 * Parsed once into a tree (never eval'd); bounded in length and depth.
 */

export type Value = string | number | boolean | Value[] | undefined;
export type Context = Readonly<Record<string, Value>>;

type Node =
  | { k: 'lit'; v: Value }
  | { k: 'name'; n: string }
  | { k: 'list'; items: Node[] }
  | { k: 'not'; e: Node }
  | { k: 'bin'; op: string; l: Node; r: Node };

const MAX_LENGTH = 2000;
const MAX_DEPTH = 32;
const TOKEN =
  /\s*(?:("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|(\|\||&&|==|!=|<=|>=|[<>!()[\],])|([A-Za-z_][A-Za-z0-9_]*))/y;

export class ExprError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(`${message} at ${at}`);
    this.name = 'ExprError';
  }
}

function tokenize(src: string): { t: string; at: number }[] {
  if (src.length > MAX_LENGTH) throw new ExprError(`expression longer than ${MAX_LENGTH}`, 0);
  const out: { t: string; at: number }[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new ExprError(`unexpected "${src[pos]}"`, pos);
    out.push({ t: m[1] ?? m[2] ?? m[3] ?? m[4]!, at: pos });
    pos = TOKEN.lastIndex;
  }
  return out;
}

/** Compiles an expression; throws ExprError naming the position of a syntax error. */
export function compile(src: string): (ctx: Context) => boolean {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): string | undefined => toks[i]?.t;
  const at = (): number => toks[i]?.at ?? src.length;
  const expect = (t: string): void => {
    if (peek() !== t) throw new ExprError(`expected "${t}"`, at());
    i++;
  };
  const or = (d: number): Node => {
    let l = and(d);
    while (peek() === '||') {
      i++;
      l = { k: 'bin', op: '||', l, r: and(d) };
    }
    return l;
  };
  const and = (d: number): Node => {
    let l = unary(d);
    while (peek() === '&&') {
      i++;
      l = { k: 'bin', op: '&&', l, r: unary(d) };
    }
    return l;
  };
  const unary = (d: number): Node => {
    if (d > MAX_DEPTH) throw new ExprError('expression nested too deeply', at());
    if (peek() === '!') {
      i++;
      return { k: 'not', e: unary(d + 1) };
    }
    const l = primary(d);
    const op = peek();
    if (op && ['==', '!=', '<', '<=', '>', '>=', 'in', 'contains'].includes(op)) {
      i++;
      return { k: 'bin', op, l, r: primary(d) };
    }
    return l;
  };
  const primary = (d: number): Node => {
    const t = peek();
    if (t === undefined) throw new ExprError('unexpected end', at());
    i++;
    if (t === '(') {
      const e = or(d + 1);
      expect(')');
      return e;
    }
    if (t === '[') {
      const items: Node[] = [];
      while (peek() !== ']') {
        items.push(primary(d + 1));
        if (peek() === ',') i++;
        else break;
      }
      expect(']');
      return { k: 'list', items };
    }
    if (t.startsWith('"')) return { k: 'lit', v: JSON.parse(t) as string };
    if (/^-?\d/.test(t)) return { k: 'lit', v: Number(t) };
    if (t === 'true' || t === 'false') return { k: 'lit', v: t === 'true' };
    if (/^[A-Za-z_]/.test(t) && t !== 'in' && t !== 'contains') return { k: 'name', n: t };
    throw new ExprError(`unexpected "${t}"`, toks[i - 1]!.at);
  };
  const tree = or(0);
  if (i < toks.length) throw new ExprError(`unexpected "${peek()}"`, at());
  return (ctx) => truthy(evaluate(tree, ctx));
}

const norm = (v: Value): Value => (typeof v === 'string' ? v.trim().toLowerCase() : v);

function evaluate(n: Node, ctx: Context): Value {
  switch (n.k) {
    case 'lit':
      return n.v;
    case 'name':
      return ctx[n.n];
    case 'list':
      return n.items.map((x) => evaluate(x, ctx));
    case 'not':
      return !truthy(evaluate(n.e, ctx));
    case 'bin': {
      if (n.op === '||') return truthy(evaluate(n.l, ctx)) || truthy(evaluate(n.r, ctx));
      if (n.op === '&&') return truthy(evaluate(n.l, ctx)) && truthy(evaluate(n.r, ctx));
      const l = norm(evaluate(n.l, ctx));
      const r = norm(evaluate(n.r, ctx));
      switch (n.op) {
        case '==':
          return l === r;
        case '!=':
          return l !== r;
        case 'in':
          return Array.isArray(r) && r.map(norm).includes(l);
        case 'contains':
          return typeof l === 'string' && typeof r === 'string' && l.includes(r);
        default: {
          const a = Number(l);
          const b = Number(r);
          if (l === undefined || r === undefined || Number.isNaN(a) || Number.isNaN(b)) return false;
          return n.op === '<' ? a < b : n.op === '<=' ? a <= b : n.op === '>' ? a > b : a >= b;
        }
      }
    }
  }
}

function truthy(v: Value): boolean {
  return Array.isArray(v) ? v.length > 0 : Boolean(v);
}
