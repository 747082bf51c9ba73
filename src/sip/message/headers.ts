/**
 * The ordered header list of a message (RFC 3261 §7.3). Every header line is kept, unknown ones
 * included, in the order received; lookups are by canonical key (`via`, `call-id`...), and a
 * name in any case or compact form is accepted.
 */
import { splitList } from './grammar.js';
import { headerInfo, headerKey } from './header-names.js';

export interface SipHeader {
  /** Printed name: the canonical form for known headers, as written otherwise. */
  name: string;
  /** Canonical key: lower-case long form. */
  key: string;
  /** Value with folding replaced by single spaces and surrounding whitespace trimmed. */
  value: string;
}

export function makeHeader(name: string, value: string): SipHeader {
  const info = headerInfo(name);
  return info ? { name: info.pretty, key: info.key, value } : { name, key: name.toLowerCase(), value };
}

export class HeaderList {
  constructor(readonly lines: SipHeader[] = []) {}

  get length(): number {
    return this.lines.length;
  }

  /** Value of the first header with this name. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    const l = this.lines;
    for (let i = 0; i < l.length; i++) if (l[i]!.key === key) return l[i]!.value;
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Values of every line with this name, unsplit. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (const h of this.lines) if (h.key === key) out.push(h.value);
    return out;
  }

  count(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (const h of this.lines) if (h.key === key) n++;
    return n;
  }

  /**
   * Every element of a list header across its lines, split at top-level commas (§7.3.1).
   * Returns null if a quoted string is unterminated.
   */
  list(name: string): string[] | null {
    const key = headerKey(name);
    const out: string[] = [];
    for (const h of this.lines) {
      if (h.key !== key) continue;
      const parts = splitList(h.value);
      if (parts === null) return null;
      for (const p of parts) out.push(p);
    }
    return out;
  }

  /** Replaces every line of this name with one line (appended where the first one was). */
  set(name: string, value: string): this {
    const h = makeHeader(name, value);
    const idx = this.lines.findIndex((l) => l.key === h.key);
    if (idx !== -1) h.name = this.lines[idx]!.name;
    this.remove(h.key);
    if (idx === -1 || idx > this.lines.length) this.lines.push(h);
    else this.lines.splice(idx, 0, h);
    return this;
  }

  append(name: string, value: string): this {
    this.lines.push(makeHeader(name, value));
    return this;
  }

  /** Inserts before the first line of the same name, or at the top (Via, Route, Record-Route). */
  prepend(name: string, value: string): this {
    const h = makeHeader(name, value);
    const idx = this.lines.findIndex((l) => l.key === h.key);
    this.lines.splice(idx === -1 ? 0 : idx, 0, h);
    return this;
  }

  remove(name: string): this {
    const key = headerKey(name);
    for (let i = this.lines.length - 1; i >= 0; i--) if (this.lines[i]!.key === key) this.lines.splice(i, 1);
    return this;
  }

  /** Removes the first element of a list header (e.g. the top Via), dropping the line if empty. */
  shiftValue(name: string): string | undefined {
    const key = headerKey(name);
    const idx = this.lines.findIndex((l) => l.key === key);
    if (idx === -1) return undefined;
    const line = this.lines[idx]!;
    const parts = splitList(line.value) ?? [line.value];
    const first = parts.shift();
    if (parts.length === 0) this.lines.splice(idx, 1);
    else line.value = parts.join(', ');
    return first;
  }

  clone(): HeaderList {
    return new HeaderList(this.lines.map((h) => ({ name: h.name, key: h.key, value: h.value })));
  }

  [Symbol.iterator](): Iterator<SipHeader> {
    return this.lines[Symbol.iterator]();
  }
}
