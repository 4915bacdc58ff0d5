import type { GatewayMiddleware, GatewayRequest } from '../chain/request-state';
import { CorsRejectedError } from '../http/errors';
import { Header } from '../http/header-names';
import type { CorsPolicies } from '../policy/cors-policies';
import { allowOriginValue, corsOriginAllowed } from '../policy/cors-policy';

/** Adds `Origin` to a `Vary` value unless it is there (or `*`) already. */
const varyWithOrigin = (existing: string | undefined): string => {
  if (!existing) return 'Origin';
  const names = existing.split(',').map((name) => name.trim().toLowerCase());
  return names.includes('origin') || names.includes('*') ? existing : `${existing}, Origin`;
};

/**
 * CORS headers on every answer of a route with CORS on, errors included (a browser script must be
 * able to read a 401 or a 429 to act on it): `Access-Control-Allow-Origin` with the request's
 * origin when it is allowed (`*` only for a `"*"` policy without credentials),
 * `Access-Control-Allow-Credentials`, `Access-Control-Expose-Headers`, and `Vary: Origin` whatever
 * the origin (the answer depends on it). On such a route the gateway owns these headers: the
 * upstream's own are dropped, so an upstream's `*` cannot open a credentialed route to every site.
 * Registered outside the error middleware, as the security headers are.
 */
export const corsResponseHeaders = (policies: CorsPolicies): GatewayMiddleware => {
  const corsResponseHeadersAfter = (request: GatewayRequest): void => {
    const response = request.response;
    const state = request.context.gateway;
    // A preflight carries its own headers, allowed or refused (a refusal allows no origin).
    if (!response || !policies.any || state?.preflight) return;
    if (request.error instanceof CorsRejectedError) return;
    const route = state?.route?.route;
    const policy = route ? policies.forRoute(route) : policies.fallback;
    if (!policy) return;
    for (const name of Object.keys(response.headers)) {
      if (name.toLowerCase().startsWith('access-control-')) delete response.headers[name];
    }
    response.headers[Header.vary] = varyWithOrigin(response.headers[Header.vary]);
    const origin = request.event?.headers?.[Header.origin];
    if (origin === undefined || !corsOriginAllowed(policy, origin)) return;
    response.headers[Header.accessControlAllowOrigin] = allowOriginValue(policy, origin);
    if (policy.credentials) response.headers[Header.accessControlAllowCredentials] = 'true';
    if (policy.exposeHeaders) {
      response.headers[Header.accessControlExposeHeaders] = policy.exposeHeaders;
    }
  };
  return { after: corsResponseHeadersAfter, onError: corsResponseHeadersAfter };
};
