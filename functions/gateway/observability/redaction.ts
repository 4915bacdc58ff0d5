/**
 * Redaction as a mechanism: `redactingReplacer` is the Logger's JSON replacer, so every log line
 * passes through it, whichever code wrote it and whatever it passed. Two rules:
 * - a key that names a credential (cookies, Authorization, tokens, secrets, passwords, API keys)
 *   has its whole value replaced;
 * - every string value is scrubbed of credential-shaped text: token-like query parameters, bearer
 *   and basic credentials, JWTs, and values shaped like our session cookie.
 */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY =
  /^(?:cookies?|set-cookie|authorization|proxy-authorization|x-api-key|x-amz-security-token)$|token|secret|passw|api[-_]?key|credential|signature|private[-_]?key/i;

const SCRUBBERS: readonly [RegExp, string][] = [
  // name=value pairs whose name is credential-like, in query strings, cookies and free text.
  [
    /\b((?:access_|refresh_|id_|session_|auth_)?token|session|sid|code|password|passwd|pwd|secret|client_secret|api[-_]?key|apikey|key|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token)=([^&;\s"',]+)/gi,
    `$1=${REDACTED}`,
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/gi, `$1 ${REDACTED}`],
  // JWTs.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Our session token shape: <id>.<43-char signature>.
  [/[A-Za-z0-9_-]{16,128}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, REDACTED],
];

export const scrub = (text: string): string =>
  SCRUBBERS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);

export const isSensitiveKey = (key: string): boolean => SENSITIVE_KEY.test(key);

/** A `JSON.stringify` replacer for the Powertools Logger (`jsonReplacerFn`). */
export const redactingReplacer = (key: string, value: unknown): unknown => {
  if (key !== '' && isSensitiveKey(key) && value !== undefined && value !== null) return REDACTED;
  return typeof value === 'string' ? scrub(value) : value;
};
