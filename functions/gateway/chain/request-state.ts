import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { FunctionUrlEvent, FunctionUrlResult } from '../http/types';
import type { MatchedRoute } from '../routing/route-types';
import type { UserContext } from '../sessions/session-types';

export type BuiltinEndpoint = 'live' | 'ready' | 'auth';

/** Per-request state the middlewares share; lives on the Lambda context for one invocation. */
export interface RequestState {
  correlationId: string;
  /** `performance.now()` when the gateway started handling the request. */
  startedAt: number;
  route?: MatchedRoute;
  /** Set instead of `route` for the gateway's own endpoints (`/health/live`, `/health/ready`). */
  builtin?: BuiltinEndpoint;
  /**
   * A CORS preflight the gateway answers itself (see `corsPreflight`): set instead of `route`, so
   * session validation, authorization and rate limiting pass it by.
   */
  preflight?: { readonly routeId: string; readonly headers: Readonly<Record<string, string>> };
  /**
   * The host the viewer addressed, behind CloudFront only (from `x-gateway-viewer-host`, which
   * only CloudFront can state there): the gateway's public origin for the CSRF check.
   */
  viewerHost?: string;
  /** The validated session's user, on routes with `auth_required`. */
  user?: UserContext;
  /** The validated session's id, for the login flow's token lookups. */
  sessionId?: string;
  /**
   * `ok` when a session was validated, or why the login endpoints refused a request they answered
   * themselves; refusals that are thrown are read from the error by the access log.
   */
  auth?: string;
  /** What the rate limiter decided, for the access log. */
  rateLimit?: {
    readonly outcome: 'allowed' | 'limited' | 'fail_open' | 'fail_closed';
    /** `RateLimit-*` headers for the response, when the limiter decided. */
    readonly headers?: Readonly<Record<string, string>>;
    /** A `mode: shadow` limit would have refused this request (it went through). */
    readonly shadow?: 'limited';
  };
}

/**
 * What the proxy reports of its exchange with the upstream. The proxy returns it; the handler
 * puts it on the context (its one writer), for the access log and the streaming middleware.
 */
export interface UpstreamExchange {
  /** Milliseconds spent waiting on the upstream. */
  readonly upstreamMs: number;
  /** A streamed upstream body in flight, so an error after it arrived can release it. */
  readonly body?: { destroy(): void };
}

/**
 * The Lambda context as the middlewares see it: the correlation middleware (first in the chain)
 * opens `gateway`. Optional so that the handler takes the plain context Lambda passes.
 */
export interface GatewayContext extends Context {
  gateway?: RequestState;
  /** Set by the handler when the request reached the proxy. */
  upstream?: UpstreamExchange;
}

/** The per-request state; throws if the chain was assembled without the correlation middleware. */
export const requestState = (context: GatewayContext): RequestState => {
  if (!context.gateway) throw new Error('The correlation middleware must run first in the chain');
  return context.gateway;
};

/** A middy request of the gateway's chain. */
export type GatewayRequest = Request<FunctionUrlEvent, FunctionUrlResult, Error, GatewayContext>;

/** A middleware of the gateway's chain. */
export type GatewayMiddleware = MiddlewareObj<
  FunctionUrlEvent,
  FunctionUrlResult,
  Error,
  GatewayContext
>;
