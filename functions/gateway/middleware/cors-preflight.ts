import { type GatewayMiddleware, type GatewayRequest, requestState } from '../chain/request-state';
import { isHttpMethod } from '../config/http-methods';
import { CorsRejectedError, MethodNotAllowedError } from '../http/errors';
import { Header } from '../http/header-names';
import type { CorsPolicies } from '../policy/cors-policies';
import { allowOriginValue, corsOriginAllowed } from '../policy/cors-policy';
import type { RouteTable } from '../routing/route-table';
import { BUILTIN_PATHS } from './route';

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

const requestedHeaders = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');

const refuse = (message: string, reason: string): CorsRejectedError =>
  new CorsRejectedError(message, { reason, headers: { [Header.vary]: PREFLIGHT_VARY } });

/**
 * Answers CORS preflights (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) for routes
 * with CORS on, before session validation and rate limiting (a browser sends no cookie with a
 * preflight, so those could only refuse it): the route is the one that would serve the requested
 * method on this path. Allowed: `state.preflight` carries the 204's headers and the handler
 * answers. Refused: 403 `cors_rejected`. Routes without CORS see their `OPTIONS` as before (405,
 * or forwarded when the route lists OPTIONS, for an upstream that answers CORS itself).
 */
export const corsPreflight = (table: RouteTable, policies: CorsPolicies): GatewayMiddleware => {
  const corsPreflightBefore = (request: GatewayRequest): void => {
    const event = request.event;
    const headers = event?.headers;
    if (
      !policies.any ||
      event?.requestContext?.http?.method !== 'OPTIONS' ||
      !headers ||
      typeof event.rawPath !== 'string' ||
      BUILTIN_PATHS.has(event.rawPath)
    ) {
      return;
    }
    const origin = headers[Header.origin];
    const method = headers[Header.accessControlRequestMethod];
    if (origin === undefined || method === undefined) return;

    const route = (() => {
      try {
        return isHttpMethod(method) ? table.match(method, event.rawPath).route : undefined;
      } catch (error) {
        if (error instanceof MethodNotAllowedError) return undefined;
        throw error;
      }
    })();
    const policy = route ? policies.forRoute(route) : undefined;
    // CORS is off for this route: its OPTIONS is handled as any other method.
    if (route && !policy) return;
    if (!route || !policy) {
      // No route serves the requested method; one that takes OPTIONS itself, without CORS of its
      // own, gets the preflight for its upstream to answer.
      try {
        if (!policies.forRoute(table.match('OPTIONS', event.rawPath).route)) return;
      } catch {
        // No route serves OPTIONS here either: the gateway refuses the preflight.
      }
      throw refuse(
        `CORS preflight refused: ${method.slice(0, 16)} is not allowed here`,
        'cors_method',
      );
    }
    if (!corsOriginAllowed(policy, origin)) {
      throw refuse('CORS preflight refused: this origin is not allowed', 'cors_origin');
    }
    if (!policy.methods.has(method)) {
      throw refuse(`CORS preflight refused: ${method} is not allowed here`, 'cors_method');
    }
    const unlisted = policy.anyHeader
      ? []
      : requestedHeaders(headers[Header.accessControlRequestHeaders]).filter(
          (name) => !policy.headers.has(name),
        );
    if (unlisted.length > 0) {
      throw refuse(
        `CORS preflight refused: request headers not allowed: ${unlisted.slice(0, 8).join(', ').slice(0, 256)}`,
        'cors_headers',
      );
    }
    requestState(request.context).preflight = {
      routeId: route.id,
      headers: {
        [Header.accessControlAllowOrigin]: allowOriginValue(policy, origin),
        ...(policy.credentials ? { [Header.accessControlAllowCredentials]: 'true' } : {}),
        [Header.accessControlAllowMethods]: policy.allowMethods,
        ...(policy.allowHeaders ? { [Header.accessControlAllowHeaders]: policy.allowHeaders } : {}),
        [Header.accessControlMaxAge]: policy.maxAge,
        [Header.vary]: PREFLIGHT_VARY,
      },
    };
  };
  return { before: corsPreflightBefore };
};
