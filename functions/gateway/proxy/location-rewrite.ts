/**
 * An upstream's redirect to its own address (`Location: http://10.0.3.7:8080/base/next`) is of no
 * use to a client and tells it about the inside of the network. As nginx's default
 * `proxy_redirect` does, a `Location` or `Content-Location` that points at the route's upstream
 * origin, below the upstream URL's path, is turned into the route's public path: the upstream's base
 * path is swapped for `strip_prefix` (what the gateway took off on the way in) and the rest is kept
 * byte for byte. The result is a path-absolute reference, which the client resolves against the
 * gateway's own origin. Any other value (relative, another host, the upstream origin outside the
 * base path, which no public path reaches) passes unchanged.
 */
export interface LocationRewrite {
  /** The upstream's origin as `URL#origin` gives it (`http://10.0.3.7:8080`). */
  readonly origin: string;
  /** The upstream URL's path without a trailing slash (`''` for none). */
  readonly basePath: string;
  /** `strip_prefix` without a trailing slash (`''` for none). */
  readonly publicPrefix: string;
}

/** A scheme (optional: `//host` is a network-path reference) and the authority after it. */
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*:)?\/\/[^/?#\\]*/;

const originOf = (schemeAndAuthority: string): string | undefined => {
  try {
    return new URL(schemeAndAuthority).origin;
  } catch {
    return undefined;
  }
};

/** `location` in the route's public path space when it points into the upstream, else unchanged. */
export const rewriteLocation = (location: string, rewrite: LocationRewrite): string => {
  const absolute = ABSOLUTE.exec(location);
  if (!absolute) return location;
  const [schemeAndAuthority, scheme] = absolute;
  // A network-path reference takes the scheme of the response it came in: the upstream's.
  const base = scheme
    ? schemeAndAuthority
    : `${new URL(rewrite.origin).protocol}${schemeAndAuthority}`;
  if (originOf(base) !== rewrite.origin) return location;
  const rest = location.slice(schemeAndAuthority.length);
  const { basePath } = rewrite;
  const belowBase =
    basePath === '' ||
    rest === basePath ||
    (rest.startsWith(basePath) && '/?#'.includes(rest.charAt(basePath.length)));
  // A `\` right after the authority is read as `/` by some clients only: leave such a value alone.
  if (!belowBase || rest.startsWith('\\')) return location;
  const rewritten = `${rewrite.publicPrefix}${rest.slice(basePath.length)}`;
  return rewritten.startsWith('/') ? rewritten : `/${rewritten}`;
};
