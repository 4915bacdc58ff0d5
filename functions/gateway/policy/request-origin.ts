import { Header } from '../http/header-names';
import type { FunctionUrlEvent } from '../http/types';

/** A host as a Host header or the Function URL's domain carries it: name or address, optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/**
 * The origin the request was sent to, for same-origin checks: the Function URL's own domain
 * (`requestContext.domainName`, which AWS sets; the local server copies the Host header a browser
 * cannot choose), with `https` unless the front end said `http` (only the local server does).
 * Never `X-Forwarded-Host` or `Forwarded`: a client writes those, and a cross-site request that
 * names the attacker's host there must not read as same-origin. Behind CloudFront this is the
 * function URL's domain, not the viewer's: list the public origin in `csrf.trusted_origins`
 * (browsers that send `Sec-Fetch-Site: same-origin` need nothing).
 */
export const requestOwnOrigin = (event: FunctionUrlEvent): string | undefined => {
  const host = event.requestContext?.domainName;
  if (typeof host !== 'string' || !HOST.test(host)) return undefined;
  const scheme = event.headers?.[Header.forwardedProto] === 'http' ? 'http' : 'https';
  try {
    return new URL(`${scheme}://${host.toLowerCase()}`).origin;
  } catch {
    return undefined;
  }
};
