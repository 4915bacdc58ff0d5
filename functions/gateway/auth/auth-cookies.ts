/** How the gateway's cookies are set: `Secure` unless local http development allows otherwise. */
export interface CookiePolicy {
  readonly secure: boolean;
  /** `COOKIE_DOMAIN`: share the cookie with subdomains; unset, a host-only cookie. */
  readonly domain?: string;
}

export interface CookieOptions {
  readonly path: string;
  /** Seconds; 0 deletes the cookie. Unset, a browser-session cookie. */
  readonly maxAgeSeconds?: number;
}

/** A `Set-Cookie` value: always HttpOnly and SameSite=Lax, Secure and Domain per the policy. */
export const setCookie = (
  policy: CookiePolicy,
  name: string,
  value: string,
  options: CookieOptions,
): string => {
  const parts = [`${name}=${value}`, `Path=${options.path}`, 'HttpOnly', 'SameSite=Lax'];
  if (policy.secure) parts.push('Secure');
  if (policy.domain) parts.push(`Domain=${policy.domain}`);
  if (options.maxAgeSeconds !== undefined) {
    parts.push(`Max-Age=${options.maxAgeSeconds}`);
    if (options.maxAgeSeconds === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }
  return parts.join('; ');
};

/** A `Set-Cookie` that deletes the cookie set with the same name, path and domain. */
export const clearCookie = (policy: CookiePolicy, name: string, path: string): string =>
  setCookie(policy, name, '', { path, maxAgeSeconds: 0 });
