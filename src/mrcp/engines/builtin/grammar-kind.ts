/**
 * Which kind of recognizer a grammar needs: DTMF (`builtin:dtmf/...`, SRGS with mode="dtmf")
 * or speech (`builtin:grammar/...`, SRGS in voice mode, the default per SRGS 1.0 §4.6). Reads
 * only the grammar header, so it is cheap and bounded; the engines do the full compilation.
 */
import type { GrammarSource } from '../engine-types.js';

export type GrammarKind = 'dtmf' | 'speech';

export const SRGS_XML = 'application/srgs+xml';
export const SRGS_ABNF = 'application/srgs';

export function grammarKind(g: GrammarSource): GrammarKind {
  if (g.contentType === 'builtin') return /^builtin:dtmf\//i.test(g.ref) ? 'dtmf' : 'speech';
  const text = (g.text ?? '').slice(0, 4096);
  if (g.contentType === SRGS_XML) {
    const root = /<grammar\b[^>]*>/i.exec(text)?.[0] ?? '';
    return /\bmode\s*=\s*["']dtmf["']/i.test(root) ? 'dtmf' : 'speech';
  }
  if (g.contentType === SRGS_ABNF) return /(?:^|;)\s*mode\s+dtmf\s*;/.test(text) ? 'dtmf' : 'speech';
  return 'speech';
}
