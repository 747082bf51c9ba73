/**
 * Grammar references of a recognizer channel (RFC 6787 §9.8 DEFINE-GRAMMAR, §9.9 RECOGNIZE):
 * `session:` grammars defined on the channel (bounded), and the grammars a request names —
 * inline (SRGS XML / ABNF), `text/uri-list`, or `text/grammar-ref-list` with `;weight=`.
 */
import { getHeader } from '../codec/header-values.js';
import { bodyText, type MrcpRequest } from '../codec/message.js';
import type { GrammarSource } from '../engines/engine-types.js';

export const INLINE_GRAMMAR_TYPES = ['application/srgs+xml', 'application/srgs', 'application/x-jsgf'];

export type GrammarListResult =
  | { ok: true; grammars: GrammarSource[] }
  | { ok: false; status: 406 | 409; cause?: 'grammar-load-failure'; reason: string };

/** Strips the angle brackets of a Content-ID (`<id@host>` → `id@host`). */
export function contentId(raw: string): string {
  const t = raw.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1) : t;
}

/** `text/grammar-ref-list` (§13.1.?): `<uri>;weight="w"` entries, one per line or comma-separated. */
export function parseGrammarRefList(text: string): { uri: string; weight: number }[] | undefined {
  const out: { uri: string; weight: number }[] = [];
  for (const raw of text.split(/\r?\n|,(?=\s*<)/)) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^<([^>]+)>\s*((?:;[^;]*)*)$/.exec(line);
    if (!m) return undefined;
    let weight = 1;
    for (const p of (m[2] ?? '').split(';')) {
      const kv = /^\s*weight\s*=\s*"?([0-9.]+)"?\s*$/.exec(p);
      if (kv) weight = Number(kv[1]);
    }
    if (!Number.isFinite(weight) || weight < 0) return undefined;
    out.push({ uri: m[1] as string, weight });
  }
  return out;
}

/** `text/uri-list` (RFC 2483): one URI per line, `#` comments. */
export function parseUriList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export class GrammarStore {
  private readonly defined = new Map<string, GrammarSource>();

  constructor(
    private readonly maxGrammars: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.defined.size;
  }

  get(id: string): GrammarSource | undefined {
    return this.defined.get(id);
  }

  /** Stores `session:<id>`; false when the store is full. */
  define(id: string, g: GrammarSource): boolean {
    if (!this.defined.has(id) && this.defined.size >= this.maxGrammars) return false;
    this.defined.set(id, g);
    return true;
  }

  clear(): void {
    this.defined.clear();
  }

  /** Resolves one grammar reference (`session:x`, `builtin:...`, or any other URI). */
  resolve(uri: string, weight: number): GrammarSource | undefined {
    if (uri.startsWith('session:')) {
      const g = this.defined.get(uri.slice('session:'.length));
      return g ? { ...g, weight } : undefined;
    }
    if (uri.startsWith('builtin:')) return { ref: uri, contentType: 'builtin', weight };
    return { ref: uri, contentType: 'uri', weight };
  }

  /** The grammars a RECOGNIZE or INTERPRET names in its body; inline grammars with a Content-ID are also defined. */
  fromRequest(req: MrcpRequest): GrammarListResult {
    const ct = getHeader(req.headers, 'Content-Type');
    if (!ct.present || req.body.length === 0)
      return { ok: false, status: 406, reason: 'no grammar: body with Content-Type needed' };
    if (!ct.ok) return { ok: false, status: 409, reason: 'bad Content-Type' };
    if (req.body.length > this.maxBytes) return { ok: false, status: 409, reason: 'grammar too large' };
    const text = bodyText(req);
    const type = ct.value.mediaType;
    if (INLINE_GRAMMAR_TYPES.includes(type)) {
      const id = getHeader(req.headers, 'Content-ID');
      const ref = id.present && id.ok ? `session:${contentId(id.value)}` : `inline:${req.requestId}`;
      const g: GrammarSource = { ref, contentType: type, text, weight: 1 };
      if (id.present && id.ok) this.define(contentId(id.value), g);
      return { ok: true, grammars: [g] };
    }
    let refs: { uri: string; weight: number }[];
    if (type === 'text/uri-list') refs = parseUriList(text).map((uri) => ({ uri, weight: 1 }));
    else if (type === 'text/grammar-ref-list') {
      const parsed = parseGrammarRefList(text);
      if (!parsed) return { ok: false, status: 409, reason: 'malformed text/grammar-ref-list' };
      refs = parsed;
    } else return { ok: false, status: 409, reason: `unsupported grammar type ${type}` };
    if (refs.length === 0) return { ok: false, status: 406, reason: 'empty grammar list' };
    const grammars: GrammarSource[] = [];
    for (const r of refs) {
      const g = this.resolve(r.uri, r.weight);
      if (!g)
        return { ok: false, status: 409, cause: 'grammar-load-failure', reason: `${r.uri} is not defined` };
      grammars.push(g);
    }
    return { ok: true, grammars };
  }
}
