import type { Logger } from '@aws-lambda-powertools/logger';
import type { RateLimitConfig } from '../config/schema';
import { RateLimitedError, UnavailableError } from '../http/errors';
import { Header } from '../http/header-names';
import { type GatewayMiddleware, type GatewayRequest, requestState } from '../http/types';
import type { GatewayMetrics } from '../observability/gateway-metrics';
import { rootCause } from '../observability/root-cause';
import { bucketKey } from '../ratelimit/bucket-key';
import { limitHeaders, rateLimitHeaders, retryAfterSeconds } from '../ratelimit/rate-limit-headers';
import {
  type BucketSpec,
  type RateDecision,
  type RateLimiter,
  RateLimiterError,
} from '../ratelimit/rate-limiter';

interface PreparedLimit {
  readonly spec: BucketSpec;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RateLimitOptions {
  readonly limiter: RateLimiter;
  /** The bucket of routes that name none. */
  readonly defaultLimit?: RateLimitConfig | undefined;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
}

/**
 * Takes the request's cost from its bucket: one limiter call per request. An empty bucket is a 429
 * with `Retry-After`; the `RateLimit-*` headers go on the response
 * (see `rateLimitResponseHeaders`). When the limiter cannot
 * decide, this is the one place that applies the route's `on_error`: `fail_open` lets the request
 * through (logged and counted), `fail_closed` answers 503.
 */
export const rateLimit = (options: RateLimitOptions): GatewayMiddleware => {
  // Worked out once per limit for the life of the container: the bucket spec (limiters cache its
  // arithmetic, keyed by the object) and the headers that do not change between requests.
  const prepared = new WeakMap<RateLimitConfig, PreparedLimit>();
  const prepare = (limit: RateLimitConfig): PreparedLimit => {
    let ready = prepared.get(limit);
    if (!ready) {
      ready = {
        spec: {
          capacity: limit.capacity,
          refillPerSecond: limit.refill_per_second,
          cost: limit.cost,
        },
        headers: limitHeaders(limit),
      };
      prepared.set(limit, ready);
    }
    return ready;
  };

  const rateLimitBefore = async (request: GatewayRequest): Promise<void> => {
    const state = requestState(request.context);
    const route = state.route?.route;
    if (!route) return;
    const configured = route.config.rate_limit;
    const limit = configured === false ? undefined : (configured ?? options.defaultLimit);
    if (!limit) return;

    const key = bucketKey(limit.scope, route.id, {
      userId: state.user?.userId,
      sourceIp: request.event.requestContext.http.sourceIp,
    });
    const { spec, headers: fixedHeaders } = prepare(limit);
    let decision: RateDecision;
    try {
      decision = await options.limiter.take(key, spec);
    } catch (error) {
      const failure = error instanceof RateLimiterError ? error.failure : 'error';
      if (limit.on_error === 'fail_closed') {
        state.rateLimit = { outcome: 'fail_closed' };
        throw new UnavailableError({
          reason: `redis_${failure}`,
          dependency: 'redis',
          cause: error,
        });
      }
      state.rateLimit = { outcome: 'fail_open' };
      options.logger.warn('rate limiter failed; request let through (fail_open)', {
        reason: `redis_${failure}`,
        // The circuit breaker's refusals are expected while it is open: no stack for those.
        ...(failure === 'circuit_open' ? {} : { ...rootCause(error), error }),
      });
      options.metrics.rateLimitFailOpen(route.id);
      options.metrics.dependencyError('redis');
      return;
    }

    const headers = rateLimitHeaders(fixedHeaders, decision);
    if (!decision.allowed) {
      state.rateLimit = { outcome: 'limited', headers };
      options.metrics.rateLimited(route.id);
      throw new RateLimitedError('Too many requests; retry after the time in Retry-After', {
        reason: 'bucket_empty',
        headers: { ...headers, [Header.retryAfter]: retryAfterSeconds(decision) },
      });
    }
    state.rateLimit = { outcome: 'allowed', headers };
  };

  return { before: rateLimitBefore };
};
