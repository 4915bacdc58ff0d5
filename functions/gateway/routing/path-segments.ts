import { BadRequestError } from '../http/errors';

/**
 * Raw characters a request target must percent-encode (RFC 3986), which servers read differently:
 * `\` is a `/` to WHATWG URL parsers (Node's `URL`, browsers, many frameworks) and an ordinary
 * character to others, so `/docs/..\users` could be `/users` upstream after matching `/docs/*`
 * here. Controls, space, `"`, `<`, `>`, `` ` ``, `{`, `}`, `#` and anything outside ASCII likewise.
 * `|`, `^`, `[` and `]` stay allowed: browsers send them raw and no server splits on them.
 */
const UNSAFE_RAW = /[^\x21-\x7e]|["<>\\`{}#]/;

/** What a decoded segment must not hold: separators a server could split on, and controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const SEPARATOR_OR_CONTROL = /[/\\\x00-\x1f\x7f]/;

export interface PathSegments {
  raw: string[];
  decoded: string[];
}

/**
 * Splits a request path into raw and percent-decoded segments. Paths that different servers would
 * read differently (bad escapes, dot segments, empty segments) are refused with 400 rather than
 * guessed at: a gateway that normalizes differently from its upstream is an authorization bypass.
 */
export const splitPath = (rawPath: string): PathSegments => {
  if (!rawPath.startsWith('/')) throw new BadRequestError('The path must start with "/"');
  if (UNSAFE_RAW.test(rawPath)) {
    throw new BadRequestError(
      'The path has a backslash or a character that must be percent-encoded',
      {
        reason: 'bad_path_character',
      },
    );
  }
  const raw = rawPath.slice(1).split('/');
  const decoded = raw.map((segment, index) => {
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      throw new BadRequestError('The path has an invalid percent-encoding', {
        reason: 'bad_path_encoding',
      });
    }
    if (SEPARATOR_OR_CONTROL.test(value)) {
      throw new BadRequestError('A path segment must not encode "/", "\\" or control characters', {
        reason: 'encoded_separator',
      });
    }
    // `..;x` is `..` to servlet containers (path parameters), so it is a dot segment too.
    const withoutParameters = value.includes(';') ? value.slice(0, value.indexOf(';')) : value;
    if (withoutParameters === '.' || withoutParameters === '..') {
      throw new BadRequestError('The path must not contain "." or ".." segments', {
        reason: 'dot_segment',
      });
    }
    if (value === '' && index < raw.length - 1) {
      throw new BadRequestError('The path must not contain empty segments', {
        reason: 'empty_segment',
      });
    }
    return value;
  });
  return { raw, decoded };
};
