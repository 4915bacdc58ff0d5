import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** README and every markdown file under docs/ (the decision records in docs/decisions/ too). */
const docsUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((name) =>
    statSync(join(ROOT, dir, name)).isDirectory() ? docsUnder(join(dir, name)) : [join(dir, name)],
  );
const DOCS = ['README.md', ...docsUnder('docs')].filter((file) => file.endsWith('.md'));

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** The ```sh blocks of a markdown file, line by line (continuations joined). */
const shellLines = (file: string): string[] =>
  [...read(file).matchAll(/^```sh\n([\s\S]*?)^```/gm)].flatMap((block) =>
    (block[1] ?? '')
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .filter((line) => line.trim() !== ''),
  );

const scripts = Object.keys(
  (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts,
);

/** Every source file that may read a setting: the function, the CDK app, the local tools. */
const sourceText = ((): string => {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = join(dir, name);
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) texts.push(read(path));
    }
  };
  for (const dir of ['functions', 'lib', 'bin', 'dev', 'scripts', 'bench', join('test', 'soak')]) {
    walk(dir);
  }
  return texts.join('\n');
})();

/**
 * Whether code reads or sets the variable by name: `env.NAME`, `env['NAME']`, a `'NAME'` constant,
 * a `NAME:` key of an environment object (the stack's). Comments do not count.
 */
const readByCode = (name: string): boolean =>
  new RegExp(`(?:env\\.${name}\\b|['"]${name}['"]|^\\s*${name}:)`, 'm').test(sourceText);

/** Variables that the libraries read themselves (the AWS SDK, Powertools), by design. */
const READ_BY_LIBRARIES = new Set([
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'POWERTOOLS_LOG_LEVEL',
  'LOG_LEVEL',
  'POWERTOOLS_LOGGER_SAMPLE_RATE',
  'POWERTOOLS_METRICS_NAMESPACE',
]);

describe('Docs: every documented command exists', () => {
  it('keeps the quick start at exactly `npm install && npm start` and `npm test`', () => {
    const readme = shellLines('README.md');

    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it.each(DOCS)('%s: each `npm run <script>` in a sh block is a script of package.json', (file) => {
    const named = shellLines(file).flatMap((line) =>
      [...line.matchAll(/npm run (?:-s |--silent )?([\w:-]+)/g)].map((match) => match[1]),
    );

    expect(named.filter((script) => !scripts.includes(script as string))).toEqual([]);
  });

  it.each(DOCS)('%s: each variable set in a sh block is read by the code', (file) => {
    const set = shellLines(file).flatMap((line) =>
      [...line.matchAll(/(?:^|[\s($])([A-Z][A-Z0-9_]+)=/g)].map((match) => match[1] as string),
    );
    // Shell variables the block itself defines and uses (COOKIE=$(...) ... $COOKIE) are not settings.
    const settings = set.filter((name) => !new RegExp(`\\$${name}\\b`).test(read(file)));

    expect(settings.filter((name) => !readByCode(name) && !READ_BY_LIBRARIES.has(name))).toEqual(
      [],
    );
  });

  it('documents only environment variables the code reads', () => {
    const doc = read(join('docs', 'configuration.md'));
    const table = doc.slice(doc.indexOf('## Environment variables'));
    const names = [...table.matchAll(/^\| ([^|]+)\|/gm)]
      .flatMap((row) => [...(row[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)])
      .map((match) => match[1] as string);

    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((name) => !readByCode(name) && !READ_BY_LIBRARIES.has(name))).toEqual([]);
  });
});
