/**
 * `builtin:grammar/boolean` and `builtin:grammar/digits` for speech (the URIs RFC 6787 leaves
 * opaque but IVR clients expect; the parameters follow the VoiceXML builtin convention:
 * `digits?length=N`, `minlength`, `maxlength`, separated by `?`/`;`/`&`).
 */
import { GrammarError, parseRepeat, type GrammarLimits, type SNode, type SpeechGrammar } from './srgs-ast.js';

export const BOOLEAN_WORDS: Readonly<Record<string, 'true' | 'false'>> = {
  yes: 'true',
  yeah: 'true',
  yep: 'true',
  correct: 'true',
  true: 'true',
  no: 'false',
  nope: 'false',
  incorrect: 'false',
  false: 'false',
};

export const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

function params(uri: string): URLSearchParams {
  const q = uri.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : uri.slice(q + 1).replace(/;/g, '&'));
}

const words = (ws: readonly string[]): SNode => ({
  t: 'alt',
  items: ws.map((w) => ({ t: 'word', w })),
  weights: ws.map(() => 1),
});

/** The builtin speech grammar for `uri`; GrammarError('grammar-load-failure') when unknown. */
export function builtinSpeechGrammar(uri: string, l: GrammarLimits): SpeechGrammar {
  const m = /^builtin:grammar\/([a-z]+)(?:\?.*)?$/i.exec(uri);
  const kind = m?.[1]?.toLowerCase();
  if (kind === 'boolean')
    return {
      ref: uri,
      root: 'boolean',
      rules: new Map([['boolean', words(Object.keys(BOOLEAN_WORDS))]]),
      instance: (ws) => BOOLEAN_WORDS[ws[0] ?? ''] ?? '',
    };
  if (kind === 'digits') {
    const q = params(uri);
    const num = (k: string): string | undefined => q.get(k) ?? undefined;
    let min = 1;
    let max = 20;
    const len = num('length');
    if (len !== undefined) [min, max] = parseRepeat(len, l.maxRepeat);
    else {
      if (num('minlength') !== undefined) min = parseRepeat(num('minlength') as string, l.maxRepeat)[0];
      if (num('maxlength') !== undefined) max = parseRepeat(num('maxlength') as string, l.maxRepeat)[0];
      if (max < min) throw new GrammarError('grammar-compilation-failure', `${uri}: maxlength < minlength`);
    }
    return {
      ref: uri,
      root: 'digits',
      rules: new Map([['digits', { t: 'rep', item: words(Object.keys(DIGIT_WORDS)), min, max }]]),
      instance: (ws) => ws.map((w) => DIGIT_WORDS[w] ?? '').join(''),
    };
  }
  throw new GrammarError('grammar-load-failure', `unknown builtin grammar ${uri.slice(0, 80)}`);
}
