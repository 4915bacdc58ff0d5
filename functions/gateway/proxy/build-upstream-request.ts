import type { SessionsConfig } from '../config/schema';
import { BadRequestError, PayloadTooLargeError } from '../http/errors';
import { Header } from '../http/header-names';
import type { FunctionUrlEvent } from '../http/types';
import type { MatchedRoute } from '../routing/route-types';
import { cookiesWithout } from '../sessions/session-cookie';
import type { UserContext } from '../sessions/session-types';
import { hopByHopNames, isHopByHop } from './hop-by-hop';
import type { UpstreamRequest } from './upstream';

/** Set by the gateway from what it knows, never taken from the client. */
const GATEWAY_OWNED = new Set<string>([
  Header.host,
  Header.contentLength,
  Header.cookie,
  Header.forwardedProto,
  Header.forwardedHost,
  Header.correlationId,
]);

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
  readonly sessions: SessionsConfig;
  /** The validated user, on protected routes. */
  readonly user?: UserContext;
}

const userHeaderSets = new WeakMap<SessionsConfig, ReadonlySet<string>>();

/** The user-context headers the gateway owns (clients never get to set them); once per config. */
const userHeaderNames = (sessions: SessionsConfig): ReadonlySet<string> => {
  let names = userHeaderSets.get(sessions);
  if (!names) {
    const { user_id, roles, permissions } = sessions.user_headers;
    names = new Set(permissions === undefined ? [user_id, roles] : [user_id, roles, permissions]);
    userHeaderSets.set(sessions, names);
  }
  return names;
};

const forwardedCookies = (
  event: FunctionUrlEvent,
  matched: MatchedRoute,
  sessions: SessionsConfig,
): string[] =>
  cookiesWithout(
    event,
    matched.route.config.forward_session_cookie ? undefined : sessions.cookie_name,
  );

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

  const incoming = event.headers ?? {};
  const dropped = hopByHopNames(incoming[Header.connection]);
  const userHeaders = userHeaderNames(context.sessions);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    const lower = name.toLowerCase();
    if (value === undefined || isHopByHop(lower, dropped) || GATEWAY_OWNED.has(lower)) continue;
    if (userHeaders.has(lower)) continue;
    headers[lower] = value;
  }
  const forwardedFor = appendForwardedFor(
    incoming[Header.forwardedFor],
    event.requestContext.http.sourceIp,
  );
  if (forwardedFor) headers[Header.forwardedFor] = forwardedFor;
  const proto = incoming[Header.forwardedProto];
  headers[Header.forwardedProto] = proto === 'http' ? 'http' : 'https';
  const host = event.requestContext.domainName ?? incoming[Header.host];
  if (host) headers[Header.forwardedHost] = host;
  headers[Header.correlationId] = context.correlationId;
  const cookies = forwardedCookies(event, matched, context.sessions);
  if (cookies.length > 0) headers[Header.cookie] = cookies.join('; ');
  if (context.user) {
    const names = context.sessions.user_headers;
    headers[names.user_id] = context.user.userId;
    headers[names.roles] = context.user.roles.join(',');
    if (names.permissions)
      headers[names.permissions] = [...context.user.permissions].sort().join(',');
  }

  const { upstreamOrigin, upstreamBasePath } = matched.route;
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  // Concatenated, not resolved through URL: the client's path and query go on byte for byte.
  const path = `${upstreamBasePath}${matched.upstreamPath}${query}`;
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
