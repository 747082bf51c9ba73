/**
 * Validates an application's verb list before anything runs: each item is `{verb: name, ...}`
 * or jambonz's short form `{name: {...}}`; unknown verbs and invalid options are all reported,
 * each with the verb's index and the field's path (`[2].numDigits: ...`), bounded in count.
 */
import type { z } from 'zod';
import { VERB_NAMES, VERB_SCHEMAS, isVerbName, type VerbSpec } from './verb-table.js';

export interface VerbIssue {
  /** Index of the verb in the list. */
  readonly index: number;
  readonly verb: string | undefined;
  /** Field path inside the verb (empty for the verb itself). */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export type VerbListResult =
  | { readonly ok: true; readonly verbs: VerbSpec[] }
  | { readonly ok: false; readonly issues: VerbIssue[]; readonly message: string };

export interface VerbListLimits {
  /** Most verbs in one list (default 200). */
  readonly maxVerbs?: number;
  /** Most issues reported (default 50); more are counted in the message. */
  readonly maxIssues?: number;
}

function normalize(item: unknown): Record<string, unknown> | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const o = item as Record<string, unknown>;
  if ('verb' in o) return o;
  const keys = Object.keys(o);
  const only = keys[0];
  if (keys.length === 1 && only !== undefined && isVerbName(only)) {
    const body = o[only];
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return { verb: only, ...body };
  }
  return o;
}

type Path = (string | number)[];

/**
 * A union's "invalid input" says nothing: report the issues of the branch that got furthest (the
 * first whose problem is not the value's type), so `url: "https://..."` says why it is refused.
 */
function flatten(iss: z.core.$ZodIssue, prefix: Path): { path: Path; message: string }[] {
  const path = [...prefix, ...iss.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  if (iss.code === 'invalid_union' && iss.errors.length > 0) {
    const branch =
      iss.errors.find((b) => b.length > 0 && b.every((e) => e.code !== 'invalid_type')) ?? iss.errors[0]!;
    if (branch.length > 0) return branch.flatMap((e) => flatten(e, path));
  }
  return [{ path, message: iss.message }];
}

export function formatIssue(i: VerbIssue): string {
  const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
  return `[${i.index}]${i.verb ? ` ${i.verb}` : ''}${path}: ${i.message}`;
}

export function validateVerbs(input: unknown, limits: VerbListLimits = {}): VerbListResult {
  const maxVerbs = limits.maxVerbs ?? 200;
  const maxIssues = limits.maxIssues ?? 50;
  const fail = (issues: VerbIssue[], total = issues.length): VerbListResult => ({
    ok: false,
    issues,
    message:
      issues.map(formatIssue).join('; ') +
      (total > issues.length ? `; and ${total - issues.length} more` : ''),
  });
  if (!Array.isArray(input)) {
    return fail([{ index: -1, verb: undefined, path: [], message: 'a verb list must be a JSON array' }]);
  }
  if (input.length > maxVerbs) {
    return fail([{ index: -1, verb: undefined, path: [], message: `more than ${maxVerbs} verbs` }]);
  }
  const issues: VerbIssue[] = [];
  let total = 0;
  const push = (i: VerbIssue): void => {
    total++;
    if (issues.length < maxIssues) issues.push(i);
  };
  const verbs: VerbSpec[] = [];
  input.forEach((item, index) => {
    const o = normalize(item);
    if (!o) return push({ index, verb: undefined, path: [], message: 'a verb must be a JSON object' });
    const name = o.verb;
    if (!isVerbName(name)) {
      return push({
        index,
        verb: typeof name === 'string' ? name.slice(0, 64) : undefined,
        path: ['verb'],
        message:
          name === undefined
            ? `missing "verb" (one of ${VERB_NAMES.join(', ')})`
            : `unknown verb ${JSON.stringify(String(name).slice(0, 64))} (one of ${VERB_NAMES.join(', ')})`,
      });
    }
    const r = VERB_SCHEMAS[name].safeParse(o);
    if (r.success) return void verbs.push(r.data);
    for (const iss of r.error.issues) {
      for (const f of flatten(iss, [])) push({ index, verb: name, ...f });
    }
  });
  return issues.length > 0 ? fail(issues, total) : { ok: true, verbs };
}
