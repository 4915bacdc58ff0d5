/** Longest `return_to` kept; a longer one is not a path a user navigated to. */
const MAX_LENGTH = 2048;
/** Percent-decoding rounds: enough for `%25252F`, bounded so a crafted value cannot spin. */
const MAX_DECODE_ROUNDS = 4;
const BASE = 'http://return-to.invalid';

/** Control characters, whitespace and the backslash that browsers read as `/`. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const UNSAFE_CHARACTER = /[\u0000-\u0020\u007f\\]/;

/** A same-origin absolute path: `/x`, never `//host` (a network path) and no scheme. */
const looksLocal = (value: string): boolean =>
  value.startsWith('/') &&
  !value.startsWith('//') &&
  !value.startsWith('/\\') &&
  !UNSAFE_CHARACTER.test(value);

const decodeOnce = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
};

/**
 * The path to send the browser to after login, or `/`. Only a same-origin absolute path is kept;
 * `//evil`, `/\evil`, `https://evil`, `javascript:...` and their percent-encoded spellings fall back
 * to `/`: the value is checked as given and after every round of decoding, because a server or
 * browser further on may decode it again.
 */
export const safeReturnTo = (raw: unknown): string => {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return '/';
  let current = raw;
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round += 1) {
    if (!looksLocal(current)) return '/';
    const decoded = decodeOnce(current);
    if (decoded === undefined) return '/';
    if (decoded === current) break;
    if (round === MAX_DECODE_ROUNDS) return '/';
    current = decoded;
  }
  // The URL parser has the last word: the value must resolve to the same origin.
  const resolved = new URL(raw, BASE);
  if (resolved.origin !== BASE) return '/';
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
};
