import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configReference, END_MARK, START_MARK } from '../../src/daemon/config/reference.js';
import { configSchema, envOverrides } from '../../src/daemon/config/index.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** Table rows as trimmed cells, so Prettier's column padding does not matter. */
function cells(table: string): string[][] {
  return table
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

describe('README configuration reference', () => {
  it('is the one generated from the schema (run `npm run docs:config` after a schema change)', () => {
    const start = readme.indexOf(START_MARK);
    const end = readme.indexOf(END_MARK);
    assert.ok(start >= 0 && end > start, 'README has the config reference markers');
    assert.deepEqual(cells(readme.slice(start + START_MARK.length, end)), cells(configReference()));
  });

  it('documents every environment override, and each names a real key', () => {
    const defaults = configSchema.parse({}) as Record<string, Record<string, unknown>>;
    for (const o of envOverrides) {
      const [section, key] = o.key.split('.') as [string, string];
      assert.ok(defaults[section] && key in defaults[section], `${o.env} → ${o.key} exists`);
      assert.ok(readme.includes(o.env), `README mentions ${o.env}`);
    }
  });
});
