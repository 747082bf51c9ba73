/**
 * The pronunciation dictionary (CMUdict as PocketSphinx ships it): words of a grammar are looked
 * up to write a small per-recognition dictionary (PocketSphinx then loads a few lines instead of
 * 134,000) and to refuse a grammar with words it cannot pronounce. The file is read once and kept
 * as one string; a lookup is one linear scan for a bounded set of words.
 */
import { readFile } from 'node:fs/promises';

export const FILLER_PRONUNCIATIONS = ['_spn_ +SPN+', '_nsn_ +NSN+'];

export class PronunciationDict {
  private text: Promise<string> | undefined;

  constructor(readonly path: string) {}

  private load(): Promise<string> {
    this.text ??= readFile(this.path, 'utf8').catch((err: unknown) => {
      this.text = undefined;
      throw err;
    });
    return this.text;
  }

  /** Dictionary lines (with alternates `word(2)`) for `words`, and the words not found. */
  async lookup(words: ReadonlySet<string>): Promise<{ lines: string[]; missing: string[] }> {
    const text = await this.load();
    const found = new Set<string>();
    const lines: string[] = [];
    let i = 0;
    while (i < text.length) {
      let e = text.indexOf('\n', i);
      if (e < 0) e = text.length;
      const sp = text.indexOf(' ', i);
      if (sp > i && sp < e) {
        let w = text.slice(i, sp);
        const paren = w.indexOf('(');
        if (paren > 0) w = w.slice(0, paren);
        if (words.has(w)) {
          found.add(w);
          lines.push(text.slice(i, e).replace(/\s+#.*$/, ''));
        }
      }
      i = e + 1;
    }
    return { lines, missing: [...words].filter((w) => !found.has(w)) };
  }
}
