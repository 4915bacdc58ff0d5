/**
 * What counts as a leaked credential in a log line. Each rule finds spans; the report names the
 * rule and masks the spans, so the scan's own output never repeats what it found.
 */
export interface LeakRule {
  readonly name: string;
  readonly find: (line: string) => readonly (readonly [number, number])[];
}

export interface Finding {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly rules: readonly string[];
  /** The line with every finding masked, cut to a readable length. */
  readonly excerpt: string;
}

const spans = (
  pattern: RegExp,
  line: string,
  keep: (match: RegExpExecArray) => boolean = () => true,
) => {
  const found: [number, number][] = [];
  for (const match of line.matchAll(pattern)) {
    if (keep(match)) found.push([match.index, match.index + match[0].length]);
  }
  return found;
};

const rule = (
  name: string,
  pattern: RegExp,
  keep?: (match: RegExpExecArray) => boolean,
): LeakRule => ({ name, find: (line) => spans(pattern, line, keep) });

/** A word such as "realm" or "Authentication" after `Basic` is prose; a credential is not a plain word. */
const looksLikeCredential = (token: string): boolean =>
  /[0-9+/=._~-]/.test(token) || /[A-Z]/.test(token.slice(1));

export const LEAK_RULES: readonly LeakRule[] = [
  // <session id>.<43-char base64url HMAC>: a cookie this gateway signed.
  rule(
    'session-token',
    /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{16,128}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
  ),
  rule('bearer-or-basic-credential', /\b(?:Bearer|Basic)\s+([A-Za-z0-9._~+/-]{6,}=*)/gi, (match) =>
    looksLikeCredential(match[1] ?? ''),
  ),
  rule('jwt', /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g),
  // A cookie header's value logged under its own name, as JSON or as text.
  rule(
    'cookie-value',
    /"(?:set-)?cookies?"\s*:\s*(?!"\[REDACTED\]"|null\b|\[\]|""|\{\})(?:"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,}]*)/gi,
  ),
  rule('cookie-value', /(?<![\w-])(?:set-)?cookie\s*:\s*[^\s=;,"'\\]+=[^\s;,"'\\]+/gi),
  rule('cookie-value', /\bsession_token=(?!\[REDACTED\])[^\s;&"',\\]+/g),
  rule(
    'aws-access-key-id',
    /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[A-Z0-9]{16}\b/g,
  ),
  rule(
    'aws-secret-access-key',
    /(?:aws_?)?secret_?access_?key["'\s:=]+(?!\[REDACTED\])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi,
  ),
  rule('url-credentials', /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/"']*:(?!\[REDACTED\]@)[^\s@/"']+@/gi),
  rule('private-key', /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/g),
];

/** The suite's own secrets (see `known-secrets.ts`) as a rule: any occurrence is a leak. */
export const knownSecretsRule = (secrets: readonly string[]): LeakRule => ({
  name: 'known-test-secret',
  find: (line) => {
    const found: [number, number][] = [];
    for (const secret of secrets) {
      for (let at = line.indexOf(secret); at !== -1; at = line.indexOf(secret, at + 1)) {
        found.push([at, at + secret.length]);
      }
    }
    return found;
  },
});

const EXCERPT_CHARS = 240;

const mask = (line: string, found: readonly (readonly [number, number])[]): string => {
  const ordered = [...found].sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of ordered) {
    if (end <= at) continue;
    out += `${line.slice(at, Math.max(at, start))}[LEAK]`;
    at = end;
  }
  out += line.slice(at);
  return out.length > EXCERPT_CHARS ? `${out.slice(0, EXCERPT_CHARS)}...` : out;
};

/** The findings of one line, or undefined when it is clean. */
export const scanLine = (
  line: string,
  rules: readonly LeakRule[],
  where: { file: string; line: number },
): Finding | undefined => {
  const names: string[] = [];
  const found: (readonly [number, number])[] = [];
  for (const candidate of rules) {
    const spansFound = candidate.find(line);
    if (spansFound.length === 0) continue;
    if (!names.includes(candidate.name)) names.push(candidate.name);
    found.push(...spansFound);
  }
  if (names.length === 0) return undefined;
  return { ...where, rules: names, excerpt: mask(line, found) };
};
