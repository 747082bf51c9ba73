/**
 * Compiles the speech grammars of a RECOGNIZE (SRGS XML, SRGS ABNF, `builtin:grammar/...`) into
 * what one PocketSphinx run needs: a JSGF document whose root weighs the grammars (grammar-ref
 * `;weight=`) against a noise path, a small pronunciation dictionary, and a word matcher per
 * grammar for exact matching and instances. Each grammar's compilation is cached (bounded LRU
 * by count), so a repeated grammar costs a hash.
 */
import { createHash } from 'node:crypto';
import type { GrammarSource } from '../engine-types.js';
import { builtinSpeechGrammar } from './builtin-grammars.js';
import { SRGS_ABNF, SRGS_XML } from './grammar-kind.js';
import { JsgfWriter } from './jsgf.js';
import { ByteLru } from './lru-cache.js';
import { FILLER_PRONUNCIATIONS, type PronunciationDict } from './pronunciations.js';
import { readSrgsAbnf } from './srgs-abnf.js';
import {
  checkRules,
  GrammarError,
  GRAMMAR_LIMITS,
  type GrammarLimits,
  type SpeechGrammar,
} from './srgs-ast.js';
import { readSrgsXml } from './srgs-xml.js';
import { WordMatcher } from './word-matcher.js';

export interface CompiledGrammar {
  grammar: SpeechGrammar;
  matcher: WordMatcher;
  words: Set<string>;
  dictLines: string[];
  byteLength: number;
}

export interface CompiledRequest {
  jsgf: string;
  dict: string;
  grammars: { source: GrammarSource; compiled: CompiledGrammar }[];
}

/** Reads one grammar source into a tree (no dictionary lookup). Throws GrammarError. */
export function readSpeechGrammar(g: GrammarSource, l: GrammarLimits = GRAMMAR_LIMITS): SpeechGrammar {
  if (g.contentType === 'builtin') return builtinSpeechGrammar(g.ref, l);
  if (g.contentType === 'uri') throw new GrammarError('uri-failure', `cannot fetch ${g.ref.slice(0, 80)}`);
  if (g.contentType === SRGS_XML) return readSrgsXml(g.ref, g.text ?? '', l);
  if (g.contentType === SRGS_ABNF) return readSrgsAbnf(g.ref, g.text ?? '', l);
  throw new GrammarError(
    'grammar-compilation-failure',
    `unsupported grammar type ${g.contentType.slice(0, 60)}`,
  );
}

export class SpeechGrammarCompiler {
  private readonly cache = new ByteLru<CompiledGrammar>(16 << 20, 4 << 20, 256);

  constructor(
    private readonly dict: PronunciationDict,
    private readonly limits: GrammarLimits = GRAMMAR_LIMITS,
    private readonly noiseWeight = 0.5,
  ) {}

  async one(g: GrammarSource): Promise<CompiledGrammar> {
    const key = createHash('sha256')
      .update(`${g.contentType}\n${g.contentType === 'builtin' ? g.ref : ''}\n${g.text ?? ''}`)
      .digest('base64');
    const hit = this.cache.get(key);
    if (hit) return { ...hit, grammar: { ...hit.grammar, ref: g.ref } };
    const grammar = readSpeechGrammar(g, this.limits);
    const words = checkRules(grammar, this.limits);
    const matcher = new WordMatcher(grammar);
    const { lines, missing } = await this.dict.lookup(words);
    if (missing.length > 0)
      throw new GrammarError(
        'grammar-compilation-failure',
        `${g.ref.slice(0, 60)}: no pronunciation for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`,
      );
    const c: CompiledGrammar = {
      grammar,
      matcher,
      words,
      dictLines: lines,
      byteLength: lines.reduce((a, l) => a + l.length * 2, 0) + (g.text?.length ?? 0) * 4,
    };
    this.cache.set(key, c);
    return c;
  }

  async request(sources: readonly GrammarSource[]): Promise<CompiledRequest> {
    const grammars: CompiledRequest['grammars'] = [];
    for (const s of sources) grammars.push({ source: s, compiled: await this.one(s) });
    const w = new JsgfWriter();
    const roots = grammars.map((g, i) => ({
      rule: w.grammar(i, g.compiled.grammar),
      weight: g.source.weight || 1,
    }));
    const lines = new Set<string>(FILLER_PRONUNCIATIONS);
    for (const g of grammars) for (const l of g.compiled.dictLines) lines.add(l);
    return { jsgf: w.document(roots, this.noiseWeight), dict: [...lines].join('\n') + '\n', grammars };
  }
}
