import { type GatewayMiddleware, type GatewayRequest, requestState } from '../chain/request-state';
import type { SessionsConfig } from '../config/schema';
import { CsrfRejectedError } from '../http/errors';
import { Header } from '../http/header-names';
import { decideCsrf, isSafeMethod } from '../policy/csrf-decision';
import { requestOwnOrigin } from '../policy/request-origin';
import type { CompiledRoute } from '../routing/route-types';
import { readCookie } from '../sessions/session-cookie';

export interface CsrfOptions {
  readonly sessions: SessionsConfig;
  /** The origins each route trusts besides its own (CORS origins plus `csrf.trusted_origins`). */
  readonly trustedOrigins: (route: CompiledRoute) => ReadonlySet<string>;
}

/**
 * Refuses, with 403 `csrf_rejected`, an unsafe request on a cookie-authenticated route
 * (`auth_required`, `csrf` not false) that carries the session cookie and was sent by another
 * site's page (`decideCsrf` says how that is told). It runs before session validation: a forged
 * request costs no session lookup, and reaches no upstream.
 */
export const csrf = (options: CsrfOptions): GatewayMiddleware => {
  const csrfBefore = (request: GatewayRequest): void => {
    const state = requestState(request.context);
    const route = state.route?.route;
    if (!route?.config.auth_required || !route.config.csrf) return;
    const event = request.event;
    const method = event.requestContext.http.method;
    // Most requests: decided by the method alone, before the cookie is read and the request's own
    // origin parsed (a URL) for nothing.
    if (isSafeMethod(method)) return;
    const headers = event.headers ?? {};
    const verdict = decideCsrf({
      method,
      carriesSessionCookie: readCookie(event, options.sessions.cookie_name) !== undefined,
      secFetchSite: headers[Header.secFetchSite],
      origin: headers[Header.origin],
      ownOrigin: requestOwnOrigin(event, state.viewerHost),
      trustedOrigins: options.trustedOrigins(route),
    });
    if (verdict.allowed) return;
    throw new CsrfRejectedError({ reason: verdict.reason });
  };
  return { before: csrfBefore };
};
