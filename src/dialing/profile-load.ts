/**
 * Reads dialing profiles (YAML, one document per file, `kind: trunk | platform | plan`) and
 * validates them. Every problem names the file, the line and the dotted key, as the daemon's
 * config loader does, so an operator can fix a profile without reading code.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { PROFILE_KINDS, type PlanProfile, type PlatformProfile, type TrunkProfile } from './profiles.js';

export type ProfileErrorCode =
  'profile_unreadable' | 'profile_syntax' | 'profile_invalid' | 'profiles_inconsistent';

export interface ProfileProblem {
  file: string;
  /** Dotted key (`plan.2.sendDigits.method`); empty for the document. */
  key: string;
  line?: number;
  message: string;
}

export class ProfileError extends Error {
  constructor(
    readonly code: ProfileErrorCode,
    readonly problems: readonly ProfileProblem[],
  ) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ProfileError';
  }
}

export function formatProblem(p: ProfileProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.key ? `key "${p.key}": ` : ''}${p.message}`;
}

export type ParsedProfile =
  | { kind: 'trunk'; file: string; profile: TrunkProfile }
  | { kind: 'platform'; file: string; profile: PlatformProfile }
  | { kind: 'plan'; file: string; profile: PlanProfile };

/** Parsed text with what is needed to point at lines later (cross-file checks). */
export interface SourceMap {
  file: string;
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** Parses one profile's text; `file` is used in messages. Throws ProfileError. */
export function parseProfileText(text: string, file: string): ParsedProfile & { source: SourceMap } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ProfileError(
      'profile_syntax',
      doc.errors.map((e) => ({
        file,
        key: '',
        line: lc.linePos(e.pos[0]).line,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    throw new ProfileError('profile_syntax', [{ file, key: '', message: `YAML: ${(e as Error).message}` }]);
  }
  const source: SourceMap = { file, lineOf: (path) => valueLine(doc, lc, path.map(String)) };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProfileError('profile_invalid', [
      { file, key: '', line: 1, message: 'a profile is a YAML mapping with a kind' },
    ]);
  }
  const kind = (raw as Record<string, unknown>).kind;
  if (typeof kind !== 'string' || !(kind in PROFILE_KINDS)) {
    throw new ProfileError('profile_invalid', [
      {
        file,
        key: 'kind',
        line: source.lineOf(['kind']) ?? 1,
        message: `kind must be one of: ${Object.keys(PROFILE_KINDS).join(', ')}`,
      },
    ]);
  }
  const schema = PROFILE_KINDS[kind as keyof typeof PROFILE_KINDS];
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ProfileError(
      'profile_invalid',
      result.error.issues.flatMap((i) => describeIssue(i, doc, lc, file, schema)),
    );
  }
  return { kind, file, profile: result.data, source } as ParsedProfile & { source: SourceMap };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  lc: LineCounter,
  file: string,
  schema: z.ZodType,
): ProfileProblem[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({
      file,
      key: [...path, k].join('.'),
      line: keyLine(doc, lc, path, k),
      message: `unknown key${suggest(schema, path, k)}`,
    }));
  }
  const p: ProfileProblem = { file, key: path.join('.'), message: issue.message };
  const line = valueLine(doc, lc, path);
  if (line !== undefined) p.line = line;
  return [p];
}

/** Line of the value at `path`, or of the nearest ancestor present in the file. */
function valueLine(doc: Document, lc: LineCounter, path: string[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(
      path.slice(0, n).map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      true,
    );
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      return lc.linePos(node.range[0] as number).line;
    }
  }
  return undefined;
}

function keyLine(doc: Document, lc: LineCounter, path: string[], key: string): number | undefined {
  const parent =
    path.length === 0
      ? doc.contents
      : doc.getIn(
          path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          true,
        );
  if (isMap(parent)) {
    for (const pair of parent.items) {
      if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range)
        return lc.linePos(pair.key.range[0]).line;
    }
  }
  return valueLine(doc, lc, path);
}

/** "Did you mean" for a misspelt key, walking the schema along the path. */
function suggest(schema: z.ZodType, path: string[], key: string): string {
  let cur: z.core.$ZodType | undefined = schema;
  for (const p of path) {
    cur = child(cur, p);
    if (!cur) return '';
  }
  const obj = unwrap(cur, 'object') as { shape?: Record<string, unknown> } | undefined;
  if (!obj?.shape) return '';
  const known = Object.keys(obj.shape);
  const close = known.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2);
  return close ? ` (did you mean "${close}"?)` : ` (known keys: ${known.join(', ')})`;
}

function child(s: z.core.$ZodType | undefined, p: string): z.core.$ZodType | undefined {
  if (/^\d+$/.test(p)) {
    const arr = unwrap(s, 'array') as { _zod: { def: { element: z.core.$ZodType } } } | undefined;
    return arr?._zod.def.element;
  }
  const obj = unwrap(s, 'object') as { shape?: Record<string, z.core.$ZodType> } | undefined;
  return obj?.shape?.[p];
}

/** Peels optional/default/pipe/union wrappers until a schema of the wanted type. */
function unwrap(s: z.core.$ZodType | undefined, want: 'object' | 'array'): z.core.$ZodType | undefined {
  let cur = s;
  for (let i = 0; cur && i < 10; i++) {
    const def = cur._zod.def as {
      type: string;
      innerType?: z.core.$ZodType;
      in?: z.core.$ZodType;
      options?: z.core.$ZodType[];
    };
    if (def.type === want) return cur;
    if (def.type === 'union') return def.options?.map((o) => unwrap(o, want)).find((o) => o !== undefined);
    cur = def.innerType ?? def.in;
  }
  return undefined;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length]![b.length]!;
}
