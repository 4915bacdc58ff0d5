import type { FunctionUrlEvent } from '../http/types';

const unquote = (value: string): string =>
  value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;

/** Every `name=value` pair a request carries, values as sent, in the order the browser sent them. */
function* requestCookies(event: FunctionUrlEvent): Generator<[string, string]> {
  // A direct invoke may put anything in these; the Function URL only strings.
  const array: unknown = event.cookies;
  const header: unknown = event.headers?.cookie;
  const sources = [
    ...(Array.isArray(array) ? array : []),
    ...(typeof header === 'string' ? header.split(';') : []),
  ];
  for (const source of sources) {
    if (typeof source !== 'string') continue;
    // A cookies-array entry is one pair, but direct invokes sometimes put a whole header in one.
    for (const pair of source.split(';')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      yield [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
    }
  }
}

/**
 * The value of the named cookie. When a browser sends the name twice (a parent-domain cookie and
 * a host cookie), it sends the more specific one first (RFC 6265 5.4), so the first one wins.
 */
export const readCookie = (event: FunctionUrlEvent, name: string): string | undefined => {
  for (const [cookieName, value] of requestCookies(event)) {
    if (cookieName === name) return unquote(value);
  }
  return undefined;
};

/** The request's cookies minus the named one (all of them when `name` is undefined), for forwarding upstream. */
export const cookiesWithout = (event: FunctionUrlEvent, name: string | undefined): string[] => {
  const kept: string[] = [];
  for (const [cookieName, value] of requestCookies(event)) {
    if (cookieName !== name) kept.push(`${cookieName}=${value}`);
  }
  return kept;
};
