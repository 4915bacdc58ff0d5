import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verdict } from '../../../bench/stats';
import {
  currentReadmeSection,
  readmeSection,
  renderChart,
  withReadmeSection,
} from '../../../bench/suite/report';
import { parseVerdicts } from '../../../bench/suite/verdicts';

const ROOT = join(__dirname, '..', '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

describe('npm run bench: the report and the README figures', () => {
  it("README.md's performance figures are docs/benchmarks.md's, as npm run bench copied them", () => {
    const benchmarks = read('docs/benchmarks.md');

    expect(currentReadmeSection(read('README.md'))).toBe(readmeSection(benchmarks));
  });

  it("the README's section holds every verdict row of docs/benchmarks.md's summary", () => {
    const section = currentReadmeSection(read('README.md')) ?? '';
    const rows = read('docs/benchmarks.md')
      .split('\n')
      .filter((line) => /\| (met|\*\*not met\*\*) +\|$/.test(line));

    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(section).toContain(row);
  });

  it('a figure edited by hand in the README no longer matches the file', () => {
    const readme = read('README.md');
    const section = currentReadmeSection(readme) ?? '';
    const edited = withReadmeSection(readme, section.replace(/\d\.\d\dx/, '9.99x'));

    expect(currentReadmeSection(edited)).not.toBe(readmeSection(read('docs/benchmarks.md')));
  });

  it('reads back the verdict lines the benchmarks print, met and not met', () => {
    const output = [
      'noise: 12 (not a verdict)',
      verdict('public route / plain proxy throughput (1 in flight)', 0.734, {
        op: '>=',
        limit: 0.7,
        unit: 'x',
      }),
      `  ${verdict('public route added p50 over direct (1 in flight)', 0.52, { op: '<', limit: 0.3, unit: 'ms' })}`,
      'cold start ratio: 9.8x (target <= 5x): not met',
    ].join('\n');

    expect(parseVerdicts(output)).toEqual([
      {
        name: 'public route / plain proxy throughput (1 in flight)',
        value: '0.73x',
        op: '>=',
        limit: '0.70x',
        met: true,
      },
      {
        name: 'public route added p50 over direct (1 in flight)',
        value: '0.52 ms',
        op: '<',
        limit: '0.30 ms',
        met: false,
      },
      { name: 'cold start ratio', value: '9.8x', op: '<=', limit: '5x', met: false },
    ]);
  });

  it('draws one bar per configuration, as long as its share of the largest', () => {
    const svg = renderChart('t', [
      { label: 'direct', ms: 0 },
      { label: 'public route', ms: 0.25 },
      { label: '+ rate limit', ms: 0.5 },
    ]);
    const widths = [...svg.matchAll(/<rect x="130" y="\d+" width="([\d.]+)"/g)].map((m) =>
      Number(m[1]),
    );

    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(widths).toEqual([1, 210, 420]);
    expect(svg).toContain('>+ rate limit</text>');
  });
});
