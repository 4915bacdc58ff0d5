/**
 * Redaction as a mechanism: `redactingReplacer` is the Logger's JSON replacer, so every log line
 * passes through it, whichever code wrote it and whatever it passed. Three rules:
 * - a key that names a credential (cookies, Authorization, tokens, secrets, passwords, API keys)
 *   has its whole value replaced, wherever it appears;
 * - inside a header map (a value logged under `headers`, `request_headers` ...), every header whose
 *   name is credential-like has its value replaced: the built-in patterns below plus the
 *   `logging.redact_headers` of the config (`setRedactedHeaders`);
 * - every string value is scrubbed of credential-shaped text: token-like query parameters, bearer
 *   and basic credentials, JWTs, and values shaped like our session cookie.
 */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY =
  /^(?:cookies?|set-cookie|authorization|proxy-authorization|x-api-key|x-amz-security-token)$|token|secret|passw|api[-_]?key|credential|signature|private[-_]?key/i;

/**
 * Header names whose values are credentials, as globs (`*` is any run of characters), matched
 * without regard to case and with `_` read as `-` (servers that map one to the other would).
 * Wider than the key rule above because it only applies inside header maps: `*auth*` there is a
 * header, where a log field called `auth` is the access log's outcome.
 */
export const BUILT_IN_REDACTED_HEADERS = [
  'cookie',
  'set-cookie',
  '*auth*',
  '*token*',
  '*secret*',
  '*-key',
  '*-key-*',
  '*apikey*',
  '*session*',
  '*password*',
  '*passwd*',
  '*credential*',
  '*signature*',
  '*-sig',
  '*private*',
] as const;

/** A field whose value is a header map, e.g. `headers` or `request_headers`. */
const HEADER_MAP_KEY = /(?:^|[_-])headers$/i;

const SCRUBBERS: readonly [RegExp, string][] = [
  // name=value pairs whose name is credential-like, in query strings, cookies and free text.
  [
    /\b((?:access_|refresh_|id_|session_|auth_)?token|session|sid|code|code_verifier|state|nonce|id_token_hint|password|passwd|pwd|secret|client_secret|api[-_]?key|apikey|key|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token)=([^&;\s"',]+)/gi,
    `$1=${REDACTED}`,
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/gi, `$1 ${REDACTED}`],
  // JWTs.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Our session token shape: <id>.<43-char signature>.
  [/[A-Za-z0-9_-]{16,128}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, REDACTED],
];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Normalizes a glob as header names are compared: lower case, `_` read as `-`. */
const normalizeHeaderName = (name: string): string => name.toLowerCase().replaceAll('_', '-');

/** One regular expression for a list of globs, so a header costs one test, not one per pattern. */
const compileHeaderGlobs = (globs: readonly string[]): RegExp =>
  new RegExp(
    `^(?:${globs
      .map((glob) => normalizeHeaderName(glob).split('*').map(escapeRegExp).join('.*'))
      .join('|')})$`,
  );

let redactedHeader = compileHeaderGlobs(BUILT_IN_REDACTED_HEADERS);

/**
 * Adds header-name globs (the config's `logging.redact_headers`) to the built-in ones, replacing
 * any added before. Process-wide, as the Logger it serves is: the gateway calls it once at init.
 */
export const setRedactedHeaders = (globs: readonly string[]): void => {
  redactedHeader = compileHeaderGlobs([...BUILT_IN_REDACTED_HEADERS, ...globs]);
};

export const isRedactedHeader = (name: string): boolean =>
  redactedHeader.test(normalizeHeaderName(name));

const BEARER_OR_BASIC = /bearer|basic/i;

/**
 * Whether a string could hold anything `SCRUBBERS` replaces: each needs one of these (a `=`,
 * `Bearer`/`Basic`, a JWT's `eyJ`, or a `.` in at least the 60 characters of a session token).
 * Most logged strings (timestamps, ids, paths) have none, and skip the four replacements: the
 * replacer runs on every string of every log line.
 */
const mayHoldCredential = (text: string): boolean =>
  text.includes('=') ||
  text.includes('eyJ') ||
  (text.length >= 60 && text.includes('.')) ||
  BEARER_OR_BASIC.test(text);

export const scrub = (text: string): string =>
  mayHoldCredential(text)
    ? SCRUBBERS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text)
    : text;

export const isSensitiveKey = (key: string): boolean => SENSITIVE_KEY.test(key);

const SENSITIVE = 1;
const HEADER_MAP = 2;
/** Keys seen so far and what they are; log lines reuse a few dozen keys. Bounded: header names are the client's. */
const keyKinds = new Map<string, number>();
const MAX_REMEMBERED_KEYS = 512;

const kindOf = (key: string): number => {
  let kind = keyKinds.get(key);
  if (kind === undefined) {
    kind = (isSensitiveKey(key) ? SENSITIVE : 0) | (HEADER_MAP_KEY.test(key) ? HEADER_MAP : 0);
    if (keyKinds.size < MAX_REMEMBERED_KEYS) keyKinds.set(key, kind);
  }
  return kind;
};

const isHeaderMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of a header map with credential-like headers' values replaced (`__proto__` kept as data). */
const redactHeaderMap = (headers: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      value !== undefined && value !== null && isRedactedHeader(name) ? REDACTED : value,
    ]),
  );

/** A `JSON.stringify` replacer for the Powertools Logger (`jsonReplacerFn`). */
export const redactingReplacer = (key: string, value: unknown): unknown => {
  const kind = key === '' ? 0 : kindOf(key);
  if (kind & SENSITIVE && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return scrub(value);
  // The copy is serialized in the value's place, its strings passing through here again.
  if (kind & HEADER_MAP && isHeaderMap(value)) return redactHeaderMap(value);
  return value;
};
