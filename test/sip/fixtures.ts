/** Paths of the test fixtures (read from the source tree; tests run from dist/). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

export interface TortureCase {
  name: string;
  section: string;
  expected: 'valid' | 'invalid' | 'valid-but-semantic-error';
  description: string;
  data: Buffer;
  rfc: 'rfc4475' | 'rfc5118';
}

/** Every message of the RFC 4475 / RFC 5118 torture corpus with its MANIFEST.tsv line. */
export function tortureCases(): TortureCase[] {
  const out: TortureCase[] = [];
  for (const rfc of ['rfc4475', 'rfc5118'] as const) {
    const dir = `${FIXTURES}sip-torture/${rfc}/`;
    const lines = readFileSync(dir + 'MANIFEST.tsv', 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    for (const line of lines) {
      const [name, section, expected, description] = line.split('\t') as [string, string, string, string];
      out.push({
        name,
        section,
        expected: expected as TortureCase['expected'],
        description,
        data: readFileSync(`${dir}${name}.dat`),
        rfc,
      });
    }
  }
  return out;
}
