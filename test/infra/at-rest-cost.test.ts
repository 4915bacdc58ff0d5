import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { costTable } from '../../scripts/at-rest-cost';
import { ROOT } from './synth';

/** A markdown table's rows as trimmed cells, whatever the column padding. */
const cells = (table: string): string[][] =>
  table
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );

describe('Docs: the at-rest cost table of docs/deployment.md', () => {
  it('is what npm run cost:at-rest computes from the synthesized templates', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'deployment.md'), 'utf8');
    const start = doc.indexOf('<!-- cost:at-rest start');
    const end = doc.indexOf('<!-- cost:at-rest end -->');
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);

    expect(cells(doc.slice(doc.indexOf('-->', start) + 3, end))).toEqual(cells(costTable()));
  }, 120_000);
});
