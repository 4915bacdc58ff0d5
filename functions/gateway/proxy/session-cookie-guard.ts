/**
 * Cookie tossing: an upstream (or anything that can make one answer) that sets the gateway's session
 * cookie can log the browser into another session, or shadow the real one. Only the gateway's
 * session tooling issues that cookie, so an upstream `Set-Cookie` for it is dropped.
 *
 * Names are compared as browsers store them (RFC 6265bis 5.6): the name is what comes before the
 * first `=` of the part before the first `;`, with spaces and tabs trimmed, compared case-sensitively;
 * a cookie without `=` has an empty name. The `__Secure-`, `__Host-`, `__Http-` and `__Host-Http-`
 * prefixes, matched case-insensitively as browsers do, are set aside on both sides: a prefixed cookie
 * of the same name is a tossing attempt as well, and so is an unprefixed one when the configured name
 * carries a prefix.
 */

const PREFIXES = ['__host-http-', '__http-', '__host-', '__secure-'] as const;

const trimWsp = (text: string): string => text.replace(/^[ \t]+|[ \t]+$/g, '');

/** The cookie name without a browser-recognised prefix. */
export const cookieCoreName = (name: string): string => {
  const lower = name.toLowerCase();
  for (const prefix of PREFIXES) {
    if (lower.startsWith(prefix)) return name.slice(prefix.length);
  }
  return name;
};

/** The name a browser would store a `Set-Cookie` value under. */
export const setCookieName = (setCookie: string): string => {
  const semicolon = setCookie.indexOf(';');
  const pair = semicolon === -1 ? setCookie : setCookie.slice(0, semicolon);
  const eq = pair.indexOf('=');
  return eq === -1 ? '' : trimWsp(pair.slice(0, eq));
};

/** The upstream's `Set-Cookie` values minus those for the session cookie (`core`: its core name). */
export const withoutSessionCookie = (
  setCookies: readonly string[],
  core: string,
): readonly string[] => {
  // Nearly every answer sets no cookie or an unrelated one: no copy unless something is dropped.
  if (!setCookies.some((value) => cookieCoreName(setCookieName(value)) === core)) return setCookies;
  return setCookies.filter((value) => cookieCoreName(setCookieName(value)) !== core);
};
