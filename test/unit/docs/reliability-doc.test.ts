import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Every `file > test name` a row of docs/reliability.md cites, with the row it came from. */
const citations = (): { file: string; name: string; row: string }[] => {
  const doc = readFileSync(join(ROOT, 'docs', 'reliability.md'), 'utf8');
  const found: { file: string; name: string; row: string }[] = [];
  for (const row of doc.split('\n').filter((line) => line.startsWith('| '))) {
    const cells = row.split(' | ');
    const proof = cells.at(-1)?.replace(/ \|$/, '') ?? '';
    for (const part of proof.split('; ')) {
      const match = /^(test\/[\w./-]+\.ts) > (.+)$/.exec(part.trim());
      if (match?.[1] && match[2]) found.push({ file: match[1], name: match[2], row });
    }
  }
  return found;
};

/**
 * The longest literal part of a cited name: names of `it.each` tests are cited as their template
 * (`%s`, `%i`), long names may be cut with an ellipsis, and code spans keep their backticks in the
 * doc only.
 */
const longestLiteral = (name: string): string =>
  name
    .replaceAll('`', '')
    .split(/%[sidjp]|…/)
    .map((part) => part.trim())
    .reduce((longest, part) => (part.length > longest.length ? part : longest), '');

describe('docs/reliability.md', () => {
  const cited = citations();

  it('cites tests', () => {
    expect(cited.length).toBeGreaterThan(60);
  });

  it.each(cited.map((c) => [c.file, c.name, c]))(
    'cites %s > %s, which exists',
    (file, _name, c) => {
      const path = join(ROOT, file as string);
      expect(existsSync(path)).toBe(true);
      const source = readFileSync(path, 'utf8').replace(/\s*\n\s*/g, ' ');
      const literal = longestLiteral((c as { name: string }).name);
      expect(literal.length).toBeGreaterThan(10);
      expect(source).toContain(literal);
    },
  );
});
