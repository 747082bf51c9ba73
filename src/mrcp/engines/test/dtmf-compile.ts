/**
 * One grammar to a DTMF matcher, for every recognizer that matches keys (the test engine and the
 * built-in DTMF engine): builtins, SRGS XML and ABNF; URIs are never fetched. A grammar that
 * compiles but is not a DTMF one (SRGS in voice mode, or a builtin `isVoiceBuiltin` accepts)
 * gives undefined; the caller decides what a voice grammar means to it.
 */
import { EngineError, type GrammarSource } from '../engine-types.js';
import { compileAbnfDtmf } from './dtmf-abnf.js';
import {
  compileBuiltinDtmf,
  compileSrgsXmlDtmf,
  GrammarCompileError,
  type DtmfMatcher,
} from './dtmf-grammar.js';

export function compileDtmfGrammar(
  g: GrammarSource,
  isVoiceBuiltin: (ref: string) => boolean = () => false,
): DtmfMatcher | undefined {
  try {
    if (g.contentType === 'builtin') {
      const m = compileBuiltinDtmf(g.ref);
      if (m || isVoiceBuiltin(g.ref)) return m;
      throw new EngineError('grammar-load-failure', `unknown builtin grammar ${g.ref}`);
    }
    if (g.contentType === 'uri') throw new EngineError('uri-failure', `cannot fetch ${g.ref}`);
    if (g.contentType === 'application/srgs+xml') return compileSrgsXmlDtmf(g.ref, g.text ?? '');
    if (g.contentType === 'application/srgs') return compileAbnfDtmf(g.ref, g.text ?? '');
    throw new EngineError('grammar-compilation-failure', `unsupported grammar type ${g.contentType}`);
  } catch (err) {
    // RangeError: the ABNF parser recurses per nesting level, so a hostile depth ends in a stack
    // overflow; it is a compilation failure like any other bound.
    if (err instanceof GrammarCompileError || err instanceof RangeError)
      throw new EngineError('grammar-compilation-failure', `${g.ref}: ${err.message}`);
    throw err;
  }
}
