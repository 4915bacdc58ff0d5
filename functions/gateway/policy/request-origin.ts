import { Header } from '../http/header-names';
import { isHost } from '../http/host';
import type { FunctionUrlEvent } from '../http/types';

const originOf = (scheme: string, host: string): string | undefined => {
  if (!isHost(host)) return undefined;
  try {
    return new URL(`${scheme}://${host.toLowerCase()}`).origin;
  } catch {
    return undefined;
  }
};

/**
 * The origin the request was sent to, for same-origin checks: the Function URL's own domain
 * (`requestContext.domainName`, which AWS sets; the local server copies the Host header a browser
 * cannot choose), with `https` unless the front end said `http` (only the local server does).
 * Behind CloudFront, the host the viewer addressed (`viewerHost`, which the edge-viewer middleware
 * takes from the header only CloudFront can set there), always `https`. Never `X-Forwarded-Host`
 * or `Forwarded`: a client writes those (CloudFront forwards the viewer's), and a cross-site
 * request that names the attacker's host there must not read as same-origin.
 */
export const requestOwnOrigin = (
  event: FunctionUrlEvent,
  viewerHost?: string | undefined,
): string | undefined => {
  if (viewerHost !== undefined) return originOf('https', viewerHost);
  const host = event.requestContext?.domainName;
  if (typeof host !== 'string') return undefined;
  return originOf(event.headers?.[Header.forwardedProto] === 'http' ? 'http' : 'https', host);
};
