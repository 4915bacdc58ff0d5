/** Methods that change nothing (RFC 9110 9.2.1); a browser may send them cross-site freely. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** A safe method passes whatever else the request says, so a caller may skip gathering the rest. */
export const isSafeMethod = (method: string): boolean => SAFE_METHODS.has(method);

export interface CsrfInput {
  readonly method: string;
  /** The request carries the session cookie (a browser attaches it whoever made the request). */
  readonly carriesSessionCookie: boolean;
  /** `Sec-Fetch-Site`, as sent. */
  readonly secFetchSite: string | undefined;
  /** `Origin`, as sent. */
  readonly origin: string | undefined;
  /** Where the request was sent (see `requestOwnOrigin`); undefined when it cannot be told. */
  readonly ownOrigin: string | undefined;
  readonly trustedOrigins: ReadonlySet<string>;
}

export type CsrfVerdict =
  | { readonly allowed: true; readonly basis: string }
  | { readonly allowed: false; readonly reason: string };

const allow = (basis: string): CsrfVerdict => ({ allowed: true, basis });
const refuse = (reason: string): CsrfVerdict => ({ allowed: false, reason });

/**
 * Whether an unsafe request that carries the session cookie may go on, the way current browsers
 * allow telling who made it:
 * 1. `Sec-Fetch-Site` (sent by every current browser, and a header no page can set):
 *    `same-origin` and `none` (the user's own navigation) pass; `same-site` and `cross-site` pass
 *    only when `Origin` is a trusted origin; any other value is refused.
 * 2. Else `Origin`: the request's own origin or a trusted origin passes; anything else, `null`
 *    included, is refused.
 * 3. Neither header: not a browser (curl, a server), which no other site can drive: it passes.
 * Safe methods and requests without the session cookie pass: there is nothing to forge.
 */
export const decideCsrf = (input: CsrfInput): CsrfVerdict => {
  if (isSafeMethod(input.method)) return allow('safe_method');
  if (!input.carriesSessionCookie) return allow('no_session_cookie');
  const site = input.secFetchSite;
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return allow(`sec_fetch_site_${site}`);
    if (site === 'same-site' || site === 'cross-site') {
      return input.origin !== undefined && input.trustedOrigins.has(input.origin)
        ? allow('trusted_origin')
        : refuse(`csrf_${site.replace('-', '_')}`);
    }
    return refuse('csrf_bad_sec_fetch_site');
  }
  const origin = input.origin;
  if (origin !== undefined) {
    if (origin === 'null') return refuse('csrf_null_origin');
    if (input.ownOrigin !== undefined && origin === input.ownOrigin) return allow('same_origin');
    if (input.trustedOrigins.has(origin)) return allow('trusted_origin');
    return refuse('csrf_foreign_origin');
  }
  return allow('no_browser_headers');
};
