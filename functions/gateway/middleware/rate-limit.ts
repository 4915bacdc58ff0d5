import type { Logger } from '@aws-lambda-powertools/logger';
import { type GatewayMiddleware, type GatewayRequest, requestState } from '../chain/request-state';
import type { RateLimitConfig } from '../config/schema';
import { RateLimitedError, UnavailableError } from '../http/errors';
import { Header } from '../http/header-names';
import type { GatewayMetrics } from '../observability/gateway-metrics';
import { rootCause } from '../observability/root-cause';
import { bucketKey, limitKey } from '../ratelimit/bucket-key';
import {
  type PreparedLimit,
  prepareRouteLimits,
  type RouteLimits,
} from '../ratelimit/prepared-limits';
import { rateLimitHeaders, retryAfterSeconds } from '../ratelimit/rate-limit-headers';
import { type RateDecision, type RateLimiter, RateLimiterError } from '../ratelimit/rate-limiter';

/**
 * What limiting needs of a route: its id (the bucket's and the metrics') and its limits, prepared
 * when the route table was compiled (a `CompiledRoute` is one).
 */
export interface LimitedRoute {
  readonly id: string;
  readonly limits: RouteLimits;
}

/**
 * The login endpoints (`auth.oidc.prefix`) as a route of their own for limiting: they have no entry
 * in the route table, yet each callback costs a token exchange with the provider and DynamoDB
 * writes. `#` cannot appear in a configured route id, so its buckets are its own.
 */
export const loginLimitedRoute = (limit: RateLimitConfig | false): LimitedRoute => ({
  id: '#login',
  limits: prepareRouteLimits({ rate_limit: limit }, undefined),
});

export interface RateLimitOptions {
  readonly limiter: RateLimiter;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** The login endpoints' limit, when login is configured (see `loginLimitedRoute`). */
  readonly loginRoute?: LimitedRoute;
}

/** Requests left before a refusal: what "closest to refusing" compares. */
const requestsLeft = (prepared: PreparedLimit, decision: RateDecision): number =>
  decision.remaining / prepared.spec.cost;

/**
 * The enforced limit the headers report: a refusing one (the longest wait), else the one with the
 * fewest requests left. Shadow limits never show: they refuse nobody.
 */
const reported = (
  limits: readonly PreparedLimit[],
  decisions: readonly RateDecision[],
): number | undefined => {
  let best: number | undefined;
  limits.forEach((prepared, i) => {
    const decision = decisions[i] as RateDecision;
    if (prepared.shadow) return;
    if (best === undefined) {
      best = i;
      return;
    }
    const current = decisions[best] as RateDecision;
    const worse = !decision.allowed
      ? current.allowed || decision.retryAfterMs > current.retryAfterMs
      : current.allowed &&
        requestsLeft(prepared, decision) < requestsLeft(limits[best] as PreparedLimit, current);
    if (worse) best = i;
  });
  return best;
};

/**
 * Takes the request's cost from its bucket (or buckets): one limiter call per request. An empty
 * enforced bucket is a 429 with `Retry-After`; the `RateLimit-*` headers go on the response
 * (see `rateLimitResponseHeaders`). A route with several limits is decided by one `takeAll`
 * (one Lua call): allowed only when every enforced bucket allows, nothing taken otherwise. A
 * `mode: shadow` limit never refuses: its would-be refusals are counted (`RateLimitedShadow`) and
 * marked on the access log line. When the limiter cannot decide, this is the one place that
 * applies `on_error`: `fail_open` lets the request through (logged and counted), `fail_closed`
 * answers 503.
 */
export const rateLimit = (options: RateLimitOptions): GatewayMiddleware => {
  const failed = (
    request: GatewayRequest,
    route: LimitedRoute,
    ready: RouteLimits,
    error: unknown,
  ): void => {
    const state = requestState(request.context);
    // The adapter that failed names itself; anything else is blamed on the limiter's store.
    const cause =
      error instanceof RateLimiterError
        ? error
        : new RateLimiterError(options.limiter.dependency, 'error', { cause: error });
    if (ready.failClosed) {
      state.rateLimit = { outcome: 'fail_closed' };
      throw new UnavailableError({
        reason: cause.reason,
        dependency: cause.dependency,
        cause: error,
      });
    }
    state.rateLimit = { outcome: 'fail_open' };
    options.logger.warn('rate limiter failed; request let through (fail_open)', {
      reason: cause.reason,
      // The circuit breaker's refusals are expected while it is open: no stack for those.
      ...(cause.failure === 'circuit_open' ? {} : { ...rootCause(error), error }),
    });
    options.metrics.rateLimitFailOpen(route.id);
    options.metrics.dependencyError(cause.dependency);
  };

  const decided = (
    request: GatewayRequest,
    route: LimitedRoute,
    limits: readonly PreparedLimit[],
    allowed: boolean,
    decisions: readonly RateDecision[],
  ): void => {
    const state = requestState(request.context);
    const index = reported(limits, decisions);
    const shown = index === undefined ? undefined : limits[index];
    const decision = index === undefined ? undefined : decisions[index];
    const headers = shown && decision ? rateLimitHeaders(shown.headers, decision) : undefined;
    if (!allowed) {
      state.rateLimit = { outcome: 'limited', ...(headers ? { headers } : {}) };
      options.metrics.rateLimited(route.id);
      throw new RateLimitedError('Too many requests; retry after the time in Retry-After', {
        reason: 'bucket_empty',
        headers: {
          ...headers,
          [Header.retryAfter]: retryAfterSeconds(decision as RateDecision),
        },
      });
    }
    const shadowRefusals = limits.filter(
      (prepared, i) => prepared.shadow && !(decisions[i] as RateDecision).allowed,
    ).length;
    if (shadowRefusals > 0) options.metrics.rateLimitedShadow(route.id);
    state.rateLimit = {
      outcome: 'allowed',
      ...(headers ? { headers } : {}),
      ...(shadowRefusals > 0 ? { shadow: 'limited' as const } : {}),
    };
  };

  const rateLimitBefore = async (request: GatewayRequest): Promise<void> => {
    const state = requestState(request.context);
    const route = state.route?.route ?? (state.builtin === 'auth' ? options.loginRoute : undefined);
    if (!route) return;
    const ready = route.limits;
    const limits = ready.limits;
    const first = limits[0];
    if (!first) return;

    const baseKey = bucketKey(first.limit.scope, route.id, {
      userId: state.user?.userId,
      sourceIp: request.event.requestContext.http.sourceIp,
    });
    if (limits.length === 1) {
      let decision: RateDecision;
      try {
        decision = await options.limiter.take(baseKey, first.spec);
      } catch (error) {
        failed(request, route, ready, error);
        return;
      }
      decided(request, route, limits, decision.allowed || first.shadow, [decision]);
      return;
    }
    // One scope per route (the config checks it), so every key shares the base key's hash tag.
    const takes = limits.map((prepared, i) => ({
      key: limitKey(baseKey, prepared.limit.scope, i),
      bucket: prepared.spec,
      shadow: prepared.shadow,
    }));
    let outcome: Awaited<ReturnType<RateLimiter['takeAll']>>;
    try {
      outcome = await options.limiter.takeAll(takes);
    } catch (error) {
      failed(request, route, ready, error);
      return;
    }
    decided(request, route, limits, outcome.allowed, outcome.decisions);
  };

  return { before: rateLimitBefore };
};
