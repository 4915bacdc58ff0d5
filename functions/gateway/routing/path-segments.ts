import { BadRequestError } from '../http/errors';

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
    if (value === '.' || value === '..') {
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
