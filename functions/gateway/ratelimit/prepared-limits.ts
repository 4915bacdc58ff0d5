import { routeLimits } from '../config/route-limits';
import type { RateLimitConfig, RouteConfig } from '../config/schema';
import { shapedBucketSpec } from './bucket-shape';
import { limitHeaders, limitPolicy } from './rate-limit-headers';
import type { BucketSpec } from './rate-limiter';

/** One of a route's limits, in the form a request needs it. */
export interface PreparedLimit {
  readonly limit: RateLimitConfig;
  /** The bucket, its shape (the limiters' arithmetic and script arguments) attached. */
  readonly spec: BucketSpec;
  readonly shadow: boolean;
  /** `RateLimit-Limit` and `RateLimit-Policy` when this limit is the one the headers report. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A route's limits, worked out once when the route table is compiled. */
export interface RouteLimits {
  /** Empty when the route is not limited. */
  readonly limits: readonly PreparedLimit[];
  /** The route's limiter failure answers 503 when any enforced limit says `fail_closed`. */
  readonly failClosed: boolean;
}

/**
 * The limits a request on a route is charged to (its own, else the default), with everything that
 * does not change between requests: the bucket specs and their shapes, the fixed headers.
 */
export const prepareRouteLimits = (
  route: Pick<RouteConfig, 'rate_limit'>,
  defaultLimit: RateLimitConfig | undefined,
): RouteLimits => {
  const limits = routeLimits(route, defaultLimit);
  const enforced = limits.filter((limit) => limit.mode === 'enforce');
  // RFC draft RateLimit-Policy may list every policy: all enforced limits, whichever reports.
  const policy = enforced.map(limitPolicy).join(', ');
  return {
    limits: limits.map((limit) => ({
      limit,
      spec: shapedBucketSpec({
        capacity: limit.capacity,
        refillPerSecond: limit.refill_per_second,
        cost: limit.cost,
      }),
      shadow: limit.mode === 'shadow',
      headers:
        enforced.length > 1
          ? { ...limitHeaders(limit), 'ratelimit-policy': policy }
          : limitHeaders(limit),
    })),
    failClosed: enforced.some((limit) => limit.on_error === 'fail_closed'),
  };
};
