/**
 * Reads a YAML config file, applies VOICEGATE_* environment overrides and validates the result
 * against the schema. Every failure becomes a ConfigError whose message names the file, the line
 * and the dotted key, so an operator can fix it without reading code.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, envOverrides, type Config } from './schema.js';

export type ConfigErrorCode = 'config_unreadable' | 'config_syntax' | 'config_invalid' | 'env_invalid';

export interface ConfigProblem {
  /** Dotted key, e.g. `sip.udpPort`; empty for the document root. */
  key: string;
  /** 1-based line in the file, when the problem has one. */
  line?: number;
  /** The environment variable that supplied the value, when it came from one. */
  env?: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    readonly file: string | undefined,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'ConfigError';
  }
}

function formatProblem(file: string | undefined, p: ConfigProblem): string {
  const where = p.env ? `environment ${p.env}` : `${file ?? '<defaults>'}${p.line ? `:${p.line}` : ''}`;
  return `${where}: ${p.key ? `key "${p.key}": ` : ''}${p.message}`;
}

export interface LoadOptions {
  /** Config file; without one the embedded defaults apply. */
  file?: string | undefined;
  /** Environment for VOICEGATE_* overrides (process.env by default). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Loads and validates the configuration; throws ConfigError. */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  if (opts.file === undefined) return parseConfigText('', undefined, env);
  let text: string;
  try {
    text = readFileSync(opts.file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError('config_unreadable', opts.file, [
      { key: '', message: `cannot read config file (${reason}): ${(err as Error).message}` },
    ]);
  }
  return parseConfigText(text, opts.file, env);
}

/** Parses config text (YAML); `file` is used only in messages. */
export function parseConfigText(
  text: string,
  file: string | undefined,
  env: Readonly<Record<string, string | undefined>> = {},
): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      'config_syntax',
      file,
      doc.errors.map((e) => ({
        key: '',
        line: lineCounter.linePos(e.pos[0]).line,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 }) ?? {};
  } catch (err) {
    throw new ConfigError('config_syntax', file, [{ key: '', message: `YAML: ${(err as Error).message}` }]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('config_invalid', file, [
      { key: '', line: 1, message: 'the config file must be a YAML mapping of sections' },
    ]);
  }
  const envSources = applyEnv(raw as Record<string, unknown>, env);
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    envSources.size > 0 && result.error.issues.every((i) => envSources.has(i.path.join('.')))
      ? 'env_invalid'
      : 'config_invalid',
    file,
    result.error.issues.flatMap((issue) => describeIssue(issue, doc, lineCounter, envSources)),
  );
}

/** Writes VOICEGATE_* values into the raw object; returns dotted key → variable name. */
function applyEnv(
  raw: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): Map<string, string> {
  const sources = new Map<string, string>();
  for (const o of envOverrides) {
    const text = env[o.env];
    if (text === undefined || text === '') continue;
    const value = convertEnv(text, o.type);
    const [section, key] = o.key.split('.') as [string, string];
    const current = raw[section];
    const target =
      typeof current === 'object' && current !== null && !Array.isArray(current)
        ? (current as Record<string, unknown>)
        : {};
    target[key] = value;
    raw[section] = target;
    sources.set(o.key, o.env);
  }
  return sources;
}

function convertEnv(text: string, type: 'string' | 'number' | 'boolean'): unknown {
  if (type === 'number') {
    const n = Number(text.trim());
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  if (type === 'boolean') {
    const t = text.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(t)) return true;
    if (['0', 'false', 'no', 'off'].includes(t)) return false;
    return text;
  }
  return text;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  lc: LineCounter,
  envSources: Map<string, string>,
): ConfigProblem[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({
      key: [...path, k].join('.'),
      line: keyLine(doc, lc, path, k),
      message: `unknown key${suggest(path, k)}`,
    }));
  }
  const key = path.join('.');
  const env = envSources.get(key);
  const problem: ConfigProblem = { key, message: issue.message };
  if (env) problem.env = env;
  else {
    const line = valueLine(doc, lc, path);
    if (line !== undefined) problem.line = line;
  }
  return [problem];
}

/** Line of the value at `path`, or of the nearest ancestor present in the file. */
function valueLine(doc: Document, lc: LineCounter, path: string[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      return lc.linePos(node.range[0] as number).line;
    }
  }
  return undefined;
}

function keyLine(doc: Document, lc: LineCounter, path: string[], key: string): number | undefined {
  const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isMap(parent)) {
    for (const pair of parent.items) {
      if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) {
        return lc.linePos(pair.key.range[0]).line;
      }
    }
  }
  return valueLine(doc, lc, path);
}

/** A "did you mean" hint for a misspelt key. */
function suggest(path: string[], key: string): string {
  let shape: z.ZodType = configSchema;
  for (const p of path) {
    const inner = unwrapObject(shape);
    const next = inner?.shape[p];
    if (!next) return '';
    shape = next as z.ZodType;
  }
  const obj = unwrapObject(shape);
  if (!obj) return '';
  const known = Object.keys(obj.shape);
  const close = known.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2);
  return close ? ` (did you mean "${close}"?)` : ` (known keys: ${known.join(', ')})`;
}

function unwrapObject(s: z.ZodType): z.ZodObject | undefined {
  let cur: z.core.$ZodType = s;
  for (let i = 0; i < 8; i++) {
    const def = cur._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.type === 'object') return cur as unknown as z.ZodObject;
    const next = def.innerType ?? def.in;
    if (!next) return undefined;
    cur = next;
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

/** Dotted keys whose values differ between two configs (for the SIGHUP log line). */
export function diffConfig(a: unknown, b: unknown, prefix = ''): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      diffConfig(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        prefix ? `${prefix}.${k}` : k,
      ),
    );
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}
