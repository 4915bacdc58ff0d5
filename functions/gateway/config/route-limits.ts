import type { RateLimitConfig, RouteConfig } from './schema';

const NONE: readonly RateLimitConfig[] = [];

/** The buckets a request on `route` is charged to: its own list or limit, else the default. */
export const routeLimits = (
  route: Pick<RouteConfig, 'rate_limit'>,
  defaultLimit: RateLimitConfig | undefined,
): readonly RateLimitConfig[] => {
  const configured = route.rate_limit;
  if (configured === false) return NONE;
  const limits = configured ?? defaultLimit;
  if (limits === undefined) return NONE;
  return Array.isArray(limits) ? limits : [limits];
};
