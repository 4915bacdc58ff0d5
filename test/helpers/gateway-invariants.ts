import { ErrorCode, PublicMessage } from '../../functions/gateway/http/errors';
import type { FunctionUrlEvent } from '../../functions/gateway/http/types';
import { IDENTITY_HEADERS, type SessionName } from './hostile-requests';
import type { SeenRequest } from './loopback-upstream';
import {
  type Exchange,
  ROUTE_TIMEOUT_MS,
  SESSIONS,
  sessionGrants,
  sessionOfCookie,
  UPSTREAM_SCOPES,
} from './property-gateway';

/**
 * What must hold for every request, whatever it is. Each check returns why it failed, or
 * undefined; the properties throw that text, so fast-check reports it with the shrunk request.
 */
export type Invariant = (exchange: Exchange) => string | undefined;

const PUBLIC_5XX_MESSAGES = new Set<string>(Object.values(PublicMessage));
const ERROR_CODES = new Set<string>(Object.values(ErrorCode));
const BUILTIN_PATHS = new Set(['/health/live', '/health/ready']);

const bodyText = (exchange: Exchange): string => {
  const body = exchange.result?.body ?? '';
  return exchange.result?.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
};

const brief = (exchange: Exchange): string =>
  `${exchange.result?.statusCode} ${bodyText(exchange).slice(0, 200)}`;

/** The handler answered (it did not throw, and returned a result). */
export const answered: Invariant = (exchange) => {
  if (exchange.thrown !== undefined) return `the handler threw: ${String(exchange.thrown)}`;
  if (!exchange.result) return 'the handler returned no result';
  return undefined;
};

/** Never a 500: our code never fails on input. */
export const neverInternalError: Invariant = (exchange) =>
  answered(exchange) ??
  (exchange.result?.statusCode === 500 ? `500 from the gateway: ${brief(exchange)}` : undefined);

/** The upstream answers 200 and every dependency is healthy: no 5xx can be right. */
export const noGateway5xxWhileHealthy: Invariant = (exchange) => {
  const problem = answered(exchange);
  if (problem) return problem;
  const status = exchange.result?.statusCode ?? 0;
  return status >= 500
    ? `${brief(exchange)} although the upstream and every dependency are healthy`
    : undefined;
};

/** Every error answer is `{error, message, correlation_id, timestamp}` as JSON. */
export const errorContract: Invariant = (exchange) => {
  const problem = answered(exchange);
  if (problem) return problem;
  const result = exchange.result;
  if (!result || result.statusCode < 400) return undefined;
  const contentType = result.headers['content-type'] ?? '';
  if (!contentType.startsWith('application/json')) {
    // Not ours: the upstream's HTTP parser refused what the gateway sent it (the app answers 200).
    return `${brief(exchange)} without the JSON contract (content-type "${contentType}"): the upstream could not parse what the gateway forwarded`;
  }
  // A HEAD answer may leave the body out (RFC 9110 9.3.2); its headers still say what it is.
  if (exchange.event.requestContext?.http?.method === 'HEAD' && bodyText(exchange) === '') {
    return result.headers['x-correlation-id'] ? undefined : 'a HEAD error without X-Correlation-ID';
  }
  let body: unknown;
  try {
    body = JSON.parse(bodyText(exchange));
  } catch {
    return `error body is not JSON: ${brief(exchange)}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return `error body is not an object: ${brief(exchange)}`;
  const fields = body as Record<string, unknown>;
  const keys = Object.keys(fields).sort().join(',');
  if (keys !== 'correlation_id,error,message,timestamp') return `error body has keys ${keys}`;
  if (!Object.values(fields).every((value) => typeof value === 'string'))
    return 'an error field is not a string';
  if (!ERROR_CODES.has(fields.error as string)) return `unknown error code ${String(fields.error)}`;
  if (fields.correlation_id !== result.headers['x-correlation-id'])
    return 'correlation_id differs from the X-Correlation-ID header';
  const timestamp = fields.timestamp as string;
  if (Number.isNaN(Date.parse(timestamp)) || new Date(timestamp).toISOString() !== timestamp)
    return `timestamp ${timestamp} is not ISO 8601`;
  if (result.statusCode >= 500 && !PUBLIC_5XX_MESSAGES.has(fields.message as string))
    return `5xx message reveals detail: ${String(fields.message)}`;
  return undefined;
};

/** A refused request (4xx) never reached the upstream; an accepted one reached it exactly once. */
export const refusedNeverForwarded: Invariant = (exchange) => {
  const problem = answered(exchange);
  if (problem) return problem;
  const status = exchange.result?.statusCode ?? 0;
  if (status >= 400 && status < 500 && exchange.seen.length > 0)
    return `refused with ${brief(exchange)} but the upstream received ${exchange.seen.map((s) => `${s.method} ${s.url}`).join(' | ')}`;
  // The gateway's own endpoints answer without the upstream.
  const expected = BUILTIN_PATHS.has(exchange.event.rawPath) ? 0 : 1;
  if (status >= 200 && status < 300 && exchange.seen.length !== expected)
    return `answered ${status} and the upstream received it ${exchange.seen.length} times`;
  return undefined;
};

/** An answer within the route's budget (3x, for a noisy machine). */
export const withinBudget: Invariant = (exchange) =>
  answered(exchange) ??
  (exchange.elapsedMs > 3 * ROUTE_TIMEOUT_MS
    ? `answered ${exchange.result?.statusCode} after ${Math.round(exchange.elapsedMs)} ms; budget ${ROUTE_TIMEOUT_MS} ms`
    : undefined);

// ------------------------------------------------------------------ what the upstream was told

/** The cookies as the gateway should read them: the array, then the header; first of a name wins. */
const eventCookiePairs = (event: FunctionUrlEvent): { name: string; value: string }[] => {
  const sources = [
    ...(Array.isArray(event.cookies) ? event.cookies.filter((c) => typeof c === 'string') : []),
    ...(typeof event.headers?.cookie === 'string' ? [event.headers.cookie] : []),
  ];
  return sources.flatMap((source) =>
    source.split(';').flatMap((pair) => {
      const eq = pair.indexOf('=');
      return eq <= 0 ? [] : [{ name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() }];
    }),
  );
};

/** Whose request this is: the session of the first session cookie, when it is a real one. */
export const authenticatedSession = (event: FunctionUrlEvent): SessionName | undefined => {
  const first = eventCookiePairs(event).find((pair) => pair.name === 'session_token');
  return first === undefined ? undefined : sessionOfCookie(first.value);
};

const scopeOf = (seen: SeenRequest) => {
  const base = seen.url.split('?')[0]?.split('/')[1] ?? '';
  return Object.hasOwn(UPSTREAM_SCOPES, base) ? UPSTREAM_SCOPES[base] : undefined;
};

const normalized = (name: string): string => name.toLowerCase().replaceAll('_', '-');
const IDENTITY = new Set<string>(IDENTITY_HEADERS);

/**
 * No identity or routing header from the client reaches the upstream, in any spelling. The ones
 * the gateway and the platform set carry their values: X-Forwarded-For ends with the caller's
 * address, X-Forwarded-Host is the function's domain, the user headers are the session's, Host is
 * the upstream's.
 */
export const noClientIdentityHeaders: Invariant = (exchange) => {
  const { event } = exchange;
  const sourceIp = event.requestContext?.http?.sourceIp;
  const domain = event.requestContext?.domainName;
  for (const seen of exchange.seen) {
    const scope = scopeOf(seen);
    const user = authenticatedSession(event);
    const mayCarryUser =
      scope?.permission !== undefined &&
      user !== undefined &&
      sessionGrants(user, scope.permission);
    for (const [name, raw] of Object.entries(seen.headers)) {
      const value = Array.isArray(raw) ? raw.join(', ') : (raw ?? '');
      const family = normalized(name);
      if (name === 'host') {
        if (!/^127\.0\.0\.1:\d+$/.test(value)) return `the upstream got Host: ${value}`;
        continue;
      }
      if (!IDENTITY.has(family) && !family.startsWith('x-forwarded-')) continue;
      const upstreamSaw = `${seen.method} ${seen.url} carried ${name}: ${value}`;
      if (name === 'x-forwarded-for') {
        if (!sourceIp || value.split(',').at(-1)?.trim() !== sourceIp)
          return `${upstreamSaw} (caller ${sourceIp})`;
      } else if (name === 'x-forwarded-proto') {
        if (value !== 'https' && value !== 'http') return upstreamSaw;
      } else if (name === 'x-forwarded-host') {
        if (value !== (domain ?? event.headers?.host)) return upstreamSaw;
      } else if (name === 'x-forwarded-port') {
        if (value !== '443') return upstreamSaw;
      } else if (name === 'x-user-id' && mayCarryUser && user) {
        if (value !== SESSIONS[user].userId) return upstreamSaw;
      } else if (name === 'x-user-roles' && mayCarryUser && user) {
        if (value !== SESSIONS[user].roles.join(',')) return upstreamSaw;
      } else {
        return upstreamSaw;
      }
    }
    if (mayCarryUser && user && seen.headers['x-user-id'] !== SESSIONS[user].userId)
      return `${seen.method} ${seen.url} lacks the session's X-User-Id`;
  }
  return undefined;
};

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * A path as the strictest common upstream reads it: `\` and encoded `/` `\` as separators (WHATWG
 * URL parsers, servers that decode before routing), `;parameters` dropped from segments (Tomcat,
 * Spring: `..;` is `..`), dot segments resolved, each segment percent-decoded.
 */
export const upstreamReading = (target: string): string[] => {
  const path = target.split('?')[0] ?? '';
  const separated = path
    .replace(/%2f|%5c/gi, '/')
    .replaceAll('\\', '/')
    .split('/')
    .map((segment) => segment.replace(/;.*$/, ''))
    .join('/');
  let resolved: string;
  try {
    resolved = new URL(`http://upstream.invalid${separated.startsWith('/') ? '' : '/'}${separated}`)
      .pathname;
  } catch {
    resolved = separated;
  }
  return resolved.split('/').slice(1).map(decodeSegment);
};

const withinPattern = (segments: readonly string[], pattern: readonly string[]): boolean => {
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i];
    const actual = segments[i];
    if (expected === '*') return true;
    if (actual === undefined) return false;
    if (expected === '{id}') {
      if (actual === '') return false;
    } else if (actual !== expected) {
      return false;
    }
  }
  return segments.length === pattern.length;
};

/**
 * Authorization as the upstream sees it: every path it receives, read the strictest common way,
 * stays inside the route that forwarded it, and a protected route's paths arrive only for a session
 * that holds the route's permission.
 */
export const upstreamPathInScope: Invariant = (exchange) => {
  for (const seen of exchange.seen) {
    const scope = scopeOf(seen);
    if (!scope) return `${seen.method} ${seen.url} is outside every route's upstream base`;
    const reading = upstreamReading(seen.url);
    // A prefix route also covers its own root (`/r-public` for `/public/*`).
    const prefixRoot =
      scope.pattern.at(-1) === '*' && withinPattern(reading, scope.pattern.slice(0, -1));
    if (!prefixRoot && !withinPattern(reading, scope.pattern))
      return `${seen.method} ${seen.url} reads as /${reading.join('/')}, outside /${scope.pattern.join('/')}`;
    if (scope.permission) {
      const user = authenticatedSession(exchange.event);
      if (!user || !sessionGrants(user, scope.permission))
        return `${seen.method} ${seen.url} reached a ${scope.permission} route for ${user ?? 'no session'}`;
    }
  }
  return undefined;
};
