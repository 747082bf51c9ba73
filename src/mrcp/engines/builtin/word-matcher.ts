/**
 * Matches a recognized word sequence against a speech grammar exactly (the decoder's JSGF may
 * be looser, e.g. for large repeat counts) and collects the tags on the matched path, which
 * give the NLSML instance (SISR literals: `out="x"`, `out.k="v"`, or a bare literal, SRGS §2.6,
 * SISR 1.0 §3.3). A Thompson NFA over words with tags on epsilon edges; bounded in states.
 */
import { fail, type SNode, type SpeechGrammar } from './srgs-ast.js';

/** Tokens the decoder emits for the garbage/noise path. */
export const GARBAGE_WORDS = new Set(['_spn_', '_nsn_']);
const MAX_STATES = 100_000;
const MAX_TAGS = 64;

interface Edge {
  to: number;
  w?: string; // a word; '*' = any garbage token; undefined = epsilon
  tag?: string;
}

export class WordMatcher {
  private readonly edges: Edge[][] = [];
  private readonly start: number;
  private readonly accept: number;

  constructor(readonly grammar: SpeechGrammar) {
    const [s, e] = this.build({ t: 'ref', name: grammar.root }, []);
    this.start = s;
    this.accept = e;
  }

  private state(): number {
    if (this.edges.length >= MAX_STATES) fail(`grammar larger than ${MAX_STATES} states`);
    this.edges.push([]);
    return this.edges.length - 1;
  }

  private eps(a: number, b: number, tag?: string): void {
    (this.edges[a] as Edge[]).push(tag === undefined ? { to: b } : { to: b, tag });
  }

  private build(n: SNode, stack: string[]): [number, number] {
    const s = this.state();
    switch (n.t) {
      case 'word': {
        const e = this.state();
        (this.edges[s] as Edge[]).push({ to: e, w: n.w });
        return [s, e];
      }
      case 'tag': {
        const e = this.state();
        this.eps(s, e, n.v);
        return [s, e];
      }
      case 'null':
        return [s, s];
      case 'void':
        return [s, this.state()];
      case 'garbage': {
        (this.edges[s] as Edge[]).push({ to: s, w: '*' });
        return [s, s];
      }
      case 'seq': {
        let cur = s;
        for (const it of n.items) {
          const [a, b] = this.build(it, stack);
          this.eps(cur, a);
          cur = b;
        }
        return [s, cur];
      }
      case 'alt': {
        const e = this.state();
        for (const it of n.items) {
          const [a, b] = this.build(it, stack);
          this.eps(s, a);
          this.eps(b, e);
        }
        return [s, e];
      }
      case 'rep': {
        let cur = s;
        for (let i = 0; i < n.min; i++) {
          const [a, b] = this.build(n.item, stack);
          this.eps(cur, a);
          cur = b;
        }
        const e = this.state();
        this.eps(cur, e);
        if (n.max === Infinity) {
          const [a, b] = this.build(n.item, stack);
          this.eps(cur, a);
          this.eps(b, cur);
        } else
          for (let i = n.min; i < n.max; i++) {
            const [a, b] = this.build(n.item, stack);
            this.eps(cur, a);
            this.eps(b, e);
            cur = b;
          }
        return [s, e];
      }
      case 'ref': {
        if (stack.includes(n.name)) return fail(`recursive rule ${n.name}`);
        const r = this.grammar.rules.get(n.name);
        if (!r) return fail(`undefined rule ${n.name}`);
        const [a, b] = this.build(r, [...stack, n.name]);
        this.eps(s, a);
        return [s, b];
      }
    }
  }

  /** Epsilon closure, keeping the first tag path that reaches each state. */
  private closure(cur: Map<number, string[]>): Map<number, string[]> {
    const stack = [...cur.keys()];
    while (stack.length) {
      const s = stack.pop() as number;
      const tags = cur.get(s) as string[];
      for (const e of this.edges[s] as Edge[]) {
        if (e.w !== undefined || cur.has(e.to)) continue;
        cur.set(e.to, e.tag !== undefined && tags.length < MAX_TAGS ? [...tags, e.tag] : tags);
        stack.push(e.to);
      }
    }
    return cur;
  }

  /** The tags of a full match of `words`, or undefined when they do not match. */
  match(words: readonly string[]): string[] | undefined {
    let cur = this.closure(new Map([[this.start, []]]));
    for (const w of words) {
      const next = new Map<number, string[]>();
      const garbage = GARBAGE_WORDS.has(w);
      for (const [s, tags] of cur)
        for (const e of this.edges[s] as Edge[])
          if ((e.w === w || (garbage && e.w === '*')) && !next.has(e.to)) next.set(e.to, tags);
      if (next.size === 0) return undefined;
      cur = this.closure(next);
    }
    return cur.get(this.accept);
  }

  /** NLSML instance of a match: the builtin's own, else SISR literal tags, else the words. */
  instance(words: readonly string[], tags: readonly string[]): string | Record<string, string> {
    if (this.grammar.instance) return this.grammar.instance(words, tags);
    let out: string | undefined;
    const fields: Record<string, string> = {};
    for (const t of tags) {
      for (const stmt of t.split(';')) {
        const s = stmt.trim();
        if (s === '') continue;
        const field =
          /^out\.([A-Za-z_]\w{0,40})\s*=\s*(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?|true|false))$/.exec(s);
        const whole = /^out\s*=\s*(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?|true|false))$/.exec(s);
        if (field) fields[field[1] as string] = field[2] ?? field[3] ?? field[4] ?? '';
        else if (whole) out = whole[1] ?? whole[2] ?? whole[3] ?? '';
        else if (!/[=(){}]/.test(s)) out = s.replace(/^["']|["']$/g, '');
      }
    }
    if (Object.keys(fields).length > 0) return fields;
    return out ?? words.filter((w) => !GARBAGE_WORDS.has(w)).join(' ');
  }
}
