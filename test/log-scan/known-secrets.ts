import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The secrets, passwords and keys the suite itself uses, collected from its sources rather than
 * copied here, so a test that adds one is covered without anyone remembering this file:
 * - string literals bound to a credential-like name (`const SECRET = '...'`, `password: '...'`,
 *   `sessionSecret: '...'`, `REDIS_PASSWORD: '...'`), in TypeScript and JSON;
 * - any other literal that says what it is (`...secret...`, `...password...`, `...token...`) and
 *   carries a digit, as generated-looking test secrets do (`integration-current-secret-0123...`).
 * Too-generic values (under 8 characters, single lower-case words, ENV_NAMES) are left out: they
 * appear in ordinary lines and would make the scan cry wolf.
 */
const CREDENTIAL_NAME =
  /secret|passw|token|credential|api[-_]?key|private[-_]?key|authorization|^(?:current|previous)$/i;
const SELF_DESCRIBING = /secret|passw|token/i;

const SOURCE_DIRS = ['test', 'dev', 'bench', 'events'] as const;
const SOURCE_FILE = /\.(?:ts|mts|js|mjs|json)$/;

// `NAME = 'value'`, `NAME: 'value'`, `'NAME': 'value'` (one line, no template placeholders).
const BOUND_LITERAL =
  /(?:^|[\s,{(])["']?([A-Za-z_$][\w$-]*)["']?\s*(?::\s*[\w<>[\]|, ]+)?\s*[:=]\s*(['"`])((?:(?!\2)[^\\\n]|\\.)*)\2/gm;
const ANY_LITERAL = /(['"`])((?:(?!\1)[^\\\n\s]|\\.){16,})\1/g;

const isTooGeneric = (raw: string): boolean => {
  const value = raw.trim();
  return (
    value.length < 8 ||
    value.includes('${') ||
    value.includes('[REDACTED]') ||
    value.startsWith('arn:') ||
    /^[a-z]+$/.test(value) ||
    /^[A-Z0-9_]+$/.test(value) ||
    // Short hyphenated words read like header names (`auth-token`), which lines carry openly.
    (value.length < 24 && /^[a-z]+(?:-[a-z]+)+$/.test(value))
  );
};

const filesUnder = (dir: string): string[] => {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    // The scanner's own folder describes secrets in prose; it holds none.
    if (statSync(path).isDirectory())
      return entry === 'node_modules' || entry === 'log-scan' ? [] : filesUnder(path);
    return SOURCE_FILE.test(entry) ? [path] : [];
  });
};

/** The credential-like literals of one source text. */
export const secretsInSource = (text: string): string[] => {
  const found = new Set<string>();
  for (const match of text.matchAll(BOUND_LITERAL)) {
    const [, name = '', , value = ''] = match;
    if (CREDENTIAL_NAME.test(name) && !isTooGeneric(value)) found.add(value);
  }
  for (const match of text.matchAll(ANY_LITERAL)) {
    const value = match[2] ?? '';
    if (SELF_DESCRIBING.test(value) && /\d/.test(value) && !isTooGeneric(value)) found.add(value);
  }
  return [...found];
};

/** Every credential-like literal in the suite's sources, with the files that hold it. */
export const collectKnownSecrets = (root: string): Map<string, string[]> => {
  const secrets = new Map<string, string[]>();
  for (const dir of SOURCE_DIRS) {
    for (const file of filesUnder(join(root, dir))) {
      for (const secret of secretsInSource(readFileSync(file, 'utf8'))) {
        secrets.set(secret, [...(secrets.get(secret) ?? []), relative(root, file)]);
      }
    }
  }
  return secrets;
};
