import { BadRequestError, PayloadTooLargeError } from '../http/errors';
import { isFieldName, isFieldValue, isRequestTarget } from '../http/field-syntax';
import { Header } from '../http/header-names';
import type { FunctionUrlEvent } from '../http/types';
import type { MatchedRoute } from '../routing/route-types';
import { cookiesWithout } from '../sessions/session-cookie';
import type { UserContext } from '../sessions/session-types';
import type { ForwardPolicy } from './forward-policy';
import { hopByHopNames, isHopByHop } from './hop-by-hop';
import { foldHeaderName, isClientForbidden } from './request-header-families';
import type { UpstreamRequest } from './upstream';

const DEFAULT_PORT = { http: '80', https: '443' } as const;
const PORT = /^[1-9][0-9]{0,4}$/;

/** Long names are not echoed: the message is for people, and the body should stay small. */
const MAX_ECHOED_NAME = 64;

const invalidName = (): BadRequestError =>
  // The name itself is not echoed: it may carry control characters.
  new BadRequestError('A header name has a character that is not allowed', {
    reason: 'invalid_header_name',
  });

const invalidValue = (lowerName: string): BadRequestError =>
  new BadRequestError(
    lowerName.length <= MAX_ECHOED_NAME
      ? `The ${lowerName} header has a character that is not allowed`
      : 'A header value has a character that is not allowed',
    { reason: 'invalid_header_value' },
  );

/** A value the gateway composed from the event (cookies, addresses): refused like a client's. */
const checkedValue = (lowerName: string, value: string): string => {
  if (!isFieldValue(value)) throw invalidValue(lowerName);
  return value;
};

const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

const decodeBody = (event: FunctionUrlEvent): Uint8Array | undefined => {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  return event.isBase64Encoded
    ? Buffer.from(event.body, 'base64')
    : Buffer.from(event.body, 'utf8');
};

const appendForwardedFor = (
  existing: string | undefined,
  sourceIp: string | undefined,
): string | undefined => {
  if (!sourceIp) return existing;
  if (!existing) return sourceIp;
  const last = existing.split(',').at(-1)?.trim();
  // Function URLs already append the caller's address; do not list it twice.
  return last === sourceIp ? existing : `${existing}, ${sourceIp}`;
};

export interface ForwardContext {
  readonly correlationId: string;
  /** The sessions settings' part in forwarding, worked out at init (`forwardPolicy`). */
  readonly forwarding: ForwardPolicy;
  /** The validated user, on protected routes. */
  readonly user?: UserContext | undefined;
}

/**
 * The client's headers that may go on: every name and value checked against the RFC 9110 rules
 * undici enforces (a malformed header makes the whole request a 400, forwarded or not), then
 * hop-by-hop headers and the identity and routing families dropped, under any spelling.
 */
const clientHeaders = (
  incoming: Readonly<Record<string, string | undefined>>,
  forbidden: ReadonlySet<string>,
): Record<string, string> => {
  const dropped = hopByHopNames(incoming[Header.connection]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    if (!isFieldName(name)) throw invalidName();
    const lower = name.toLowerCase();
    // Rebuilt from its pairs, each checked on its own (see `forwardedCookies`): one stray cookie
    // of another app must not refuse the request.
    if (lower === Header.cookie) continue;
    // Not a string only in a hand-made event (a direct invoke): undici would throw on an object.
    if (typeof value !== 'string' || !isFieldValue(value)) throw invalidValue(lower);
    const folded = foldHeaderName(lower);
    if (isHopByHop(lower, dropped, folded) || isClientForbidden(folded, forbidden)) continue;
    headers[lower] = value;
  }
  return headers;
};

/**
 * The port the client reached: what the front end (the Function URL, or the local server) put in
 * `X-Forwarded-Port`, else the scheme's default.
 */
const forwardedPort = (incoming: string | undefined, proto: 'http' | 'https'): string =>
  incoming !== undefined && PORT.test(incoming) && Number(incoming) <= 65_535
    ? incoming
    : DEFAULT_PORT[proto];

/**
 * The cookies passed on: all but the session cookie (unless the route forwards it), and none that
 * cannot go on the wire. A browser sends every cookie of the domain, some set by other apps with
 * bytes outside visible ASCII; one such cookie must not make every request a 400, so it is left out.
 */
const forwardedCookies = (
  event: FunctionUrlEvent,
  matched: MatchedRoute,
  cookieName: string,
): string[] =>
  cookiesWithout(
    event,
    matched.route.config.forward_session_cookie ? undefined : cookieName,
  ).filter(isFieldValue);

/** Builds the upstream request from a Function URL event and its matched route. */
export const buildUpstreamRequest = (
  event: FunctionUrlEvent,
  matched: MatchedRoute,
  context: ForwardContext,
): UpstreamRequest => {
  const { config } = matched.route;
  const method = event.requestContext.http.method;
  const body = decodeBody(event);
  if (body && body.byteLength > config.max_body_bytes) {
    throw new PayloadTooLargeError(config.max_body_bytes);
  }
  if (body && BODYLESS_METHODS.has(method)) {
    throw new BadRequestError(`A ${method} request must not have a body`, {
      reason: 'body_on_bodyless_method',
    });
  }

  const { upstreamOrigin, upstreamBasePath } = matched.route;
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  // Concatenated, not resolved through URL: the client's path and query go on byte for byte.
  const path = `${upstreamBasePath}${matched.upstreamPath}${query}`;
  if (!isRequestTarget(path)) {
    throw new BadRequestError('The path or query has a character that cannot be forwarded', {
      reason: 'invalid_request_target',
    });
  }

  const incoming = event.headers ?? {};
  const { forwarding } = context;
  const headers = clientHeaders(incoming, forwarding.forbidden);
  // The X-Forwarded-* family is the gateway's statement: the client's copies were dropped above.
  // X-Forwarded-For keeps the client's chain (as the Function URL front end passed it on) and ends
  // with the address the front end saw, once: only that last entry is vouched for.
  const forwardedFor = appendForwardedFor(
    incoming[Header.forwardedFor],
    event.requestContext.http.sourceIp,
  );
  if (forwardedFor) headers[Header.forwardedFor] = checkedValue(Header.forwardedFor, forwardedFor);
  const proto = incoming[Header.forwardedProto] === 'http' ? 'http' : 'https';
  headers[Header.forwardedProto] = proto;
  const host = event.requestContext.domainName ?? incoming[Header.host];
  if (host) headers[Header.forwardedHost] = checkedValue(Header.forwardedHost, host);
  headers[Header.forwardedPort] = forwardedPort(incoming[Header.forwardedPort], proto);
  headers[Header.correlationId] = context.correlationId;
  const cookies = forwardedCookies(event, matched, forwarding.cookieName);
  if (cookies.length > 0) headers[Header.cookie] = checkedValue(Header.cookie, cookies.join('; '));
  if (context.user) {
    const names = forwarding.userHeaders;
    headers[names.userId] = context.user.userId;
    headers[names.roles] = context.user.roles.join(',');
    if (names.permissions)
      headers[names.permissions] = [...context.user.permissions].sort().join(',');
  }

  return {
    url: `${upstreamOrigin}${path}`,
    origin: upstreamOrigin,
    path,
    method,
    headers,
    ...(body ? { body } : {}),
    timeoutMs: config.timeout_ms,
    connectTimeoutMs: config.connect_timeout_ms,
    retries: config.retries,
  };
};
