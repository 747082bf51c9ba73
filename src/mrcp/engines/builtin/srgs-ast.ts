/**
 * Speech grammars (W3C SRGS 1.0, voice mode) as a small tree shared by the XML and ABNF readers,
 * the JSGF writer and the word matcher. Bounded: node count, rule count, distinct words and
 * repeat counts are limited, and rule recursion is refused (SRGS allows right recursion; we
 * refuse all of it so compilation and matching stay bounded) — a grammar past any bound is a
 * compilation failure, never unbounded work.
 */
export type SNode =
  | { t: 'word'; w: string }
  | { t: 'seq'; items: SNode[] }
  | { t: 'alt'; items: SNode[]; weights: number[] }
  | { t: 'rep'; item: SNode; min: number; max: number }
  | { t: 'ref'; name: string }
  | { t: 'tag'; v: string }
  | { t: 'null' }
  | { t: 'void' }
  | { t: 'garbage' };

export interface SpeechGrammar {
  ref: string;
  root: string;
  rules: Map<string, SNode>;
  /** Custom instance from the matched words and tags (builtins); default: SISR-literal tags. */
  instance?: (words: readonly string[], tags: readonly string[]) => string | Record<string, string>;
}

export class GrammarError extends Error {
  constructor(
    readonly completionCause: 'grammar-compilation-failure' | 'grammar-load-failure' | 'uri-failure',
    message: string,
  ) {
    super(message);
    this.name = 'GrammarError';
  }
}

export interface GrammarLimits {
  maxBytes: number;
  maxNodes: number;
  maxRules: number;
  maxWords: number;
  maxRepeat: number;
}

export const GRAMMAR_LIMITS: GrammarLimits = {
  maxBytes: 256 * 1024,
  maxNodes: 20_000,
  maxRules: 1000,
  maxWords: 5000,
  maxRepeat: 100,
};

export const fail = (message: string): never => {
  throw new GrammarError('grammar-compilation-failure', message);
};

/** Counts nodes as a reader builds them. */
export class NodeBudget {
  private n = 0;
  constructor(private readonly max: number) {}
  take(k = 1): void {
    this.n += k;
    if (this.n > this.max) fail(`grammar has more than ${this.max} items`);
  }
}

/** SRGS §2.5 repeat: "n", "n-m", "n-"; counts bounded by `maxRepeat`. */
export function parseRepeat(r: string, maxRepeat: number): [number, number] {
  const m = /^\s*(\d{1,6})\s*(?:-\s*(\d{0,6})\s*)?$/.exec(r);
  if (!m) return fail(`bad repeat "${r.slice(0, 20)}"`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[2] === '' ? Infinity : Number(m[2]);
  if (min > maxRepeat || (max !== Infinity && (max > maxRepeat || max < min)))
    fail(`repeat "${r}" out of range (at most ${maxRepeat})`);
  return [min, max];
}

/** Words of a token (SRGS §2.1): lower case, punctuation other than ' and - dropped. */
export function tokenWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}'-]/gu, ''))
    .filter((w) => w !== '');
}

export function wordsNode(text: string, budget: NodeBudget): SNode | undefined {
  const ws = tokenWords(text);
  budget.take(ws.length);
  if (ws.length === 0) return undefined;
  if (ws.length === 1) return { t: 'word', w: ws[0] as string };
  return { t: 'seq', items: ws.map((w) => ({ t: 'word', w })) };
}

/** Refuses undefined rules and any rule recursion (depth-first, with the path as the stack). */
export function checkRules(g: SpeechGrammar, limits: GrammarLimits): Set<string> {
  if (g.rules.size > limits.maxRules) fail(`more than ${limits.maxRules} rules`);
  if (!g.rules.has(g.root)) fail(`root rule ${g.root} is not defined`);
  const words = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (path.includes(name)) fail(`recursive rule ${name}`);
    if (done.has(name)) return;
    const r = g.rules.get(name);
    if (!r) return fail(`undefined rule ${name}`);
    const walk = (n: SNode): void => {
      if (n.t === 'word') {
        words.add(n.w);
        if (words.size > limits.maxWords) fail(`more than ${limits.maxWords} distinct words`);
      } else if (n.t === 'seq' || n.t === 'alt') n.items.forEach(walk);
      else if (n.t === 'rep') walk(n.item);
      else if (n.t === 'ref') visit(n.name, [...path, name]);
    };
    walk(r);
    done.add(name);
  };
  visit(g.root, []);
  return words;
}
