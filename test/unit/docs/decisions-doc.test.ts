import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const DECISIONS = join(ROOT, 'docs', 'decisions');

const read = (path: string): string => readFileSync(path, 'utf8');

/** Every markdown file a reader of the repository sees: the README and all of docs/. */
const markdownFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });

interface Record {
  readonly file: string;
  readonly number: string;
  readonly title: string;
  readonly status: string;
  readonly text: string;
}

const records: Record[] = readdirSync(DECISIONS)
  .filter((name) => /^\d{4}-.+\.md$/.test(name))
  .sort()
  .map((file) => {
    const text = read(join(DECISIONS, file));
    const heading = text.match(/^# (\d{4})\. (.+)$/m);
    const status = text.match(/^Status: (.+)$/m);
    return {
      file,
      number: heading?.[1] ?? '',
      title: heading?.[2] ?? '',
      status: status?.[1] ?? '',
      text,
    };
  });

const index = read(join(DECISIONS, 'README.md'));

describe('Docs: the decision records', () => {
  it('numbers the records 0001 upwards, without gaps, each file named by its number', () => {
    expect(records.length).toBeGreaterThan(50);
    expect(records.map((record) => record.number)).toEqual(
      records.map((_, i) => String(i + 1).padStart(4, '0')),
    );
    expect(records.filter((record) => !record.file.startsWith(`${record.number}-`))).toEqual([]);
  });

  it.each(records.map((record) => [record.file, record] as const))(
    '%s: has a title, a status, then Context, Decision and Consequences in that order',
    (_, record) => {
      expect(record.title).not.toBe('');
      expect(record.status).toMatch(/^(accepted|superseded by \[\d{4}\]\(\d{4}-[\w-]+\.md\))$/);
      const sections = [...record.text.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
      expect(sections).toEqual(['Context', 'Decision', 'Consequences']);
    },
  );

  it('supersedes only with a later record that is itself in force', () => {
    const byFile = new Map(records.map((record) => [record.file, record]));
    const superseded = records.filter((record) => record.status.startsWith('superseded'));

    expect(superseded.length).toBeGreaterThan(0);
    for (const record of superseded) {
      const by = byFile.get(record.status.match(/\((.+)\)/)?.[1] ?? '');
      expect({ record: record.file, by: by?.number, status: by?.status }).toEqual({
        record: record.file,
        by: expect.stringMatching(/^\d{4}$/),
        status: 'accepted',
      });
      expect(Number(by?.number)).toBeGreaterThan(Number(record.number));
    }
  });

  it('lists every record in the index with its title and status, and nothing else', () => {
    const rows = [...index.matchAll(/^\| \[(\d{4})\]\(([^)]+)\) +\| (.+?) +\| (.+?) +\|$/gm)].map(
      (row) => ({ number: row[1], file: row[2], title: row[3], status: row[4] }),
    );

    expect(rows).toEqual(
      records.map(({ number, file, title, status }) => ({ number, file, title, status })),
    );
  });
});

describe('Docs: links', () => {
  const files = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];

  it.each(files.map((file) => [relative(ROOT, file), file] as const))(
    '%s: every relative link names a file of the repository',
    (_, file) => {
      const targets = [...read(file).matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => (match[1] as string).split('#')[0] as string)
        .filter((target) => target !== '' && !/^[a-z]+:/.test(target));
      const broken = targets.filter((target) => {
        const path = join(dirname(file), target);
        return !existsSync(path) || !relative(ROOT, path) || relative(ROOT, path).startsWith('..');
      });

      expect(broken).toEqual([]);
    },
  );
});
