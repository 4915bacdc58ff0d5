import type { RateLimitConfig } from '../config/schema';

const part = (value: string): string => encodeURIComponent(value);

/**
 * The Redis key of a request's bucket. The `{...}` hash tag pins each bucket to one Redis Cluster
 * slot; parts are percent-encoded so no id can contain a brace or a separator and land in another's
 * bucket. A `user` limit on a request without a user (a public route) falls back to the client IP.
 */
export const bucketKey = (
  scope: RateLimitConfig['scope'],
  routeId: string,
  who: { readonly userId?: string | undefined; readonly sourceIp: string },
): string => {
  const route = part(routeId);
  switch (scope) {
    case 'user':
      return who.userId === undefined
        ? `rl:ip:{${part(who.sourceIp)}}:route:${route}`
        : `rl:user:{${part(who.userId)}}:route:${route}`;
    case 'ip':
      return `rl:ip:{${part(who.sourceIp)}}:route:${route}`;
    case 'route':
      return `rl:route:{${route}}`;
    case 'global':
      return 'rl:global:{global}';
  }
};

/**
 * The key of a route's `index`-th limit. The first keeps the single limit's key (turning a limit
 * into a list keeps its bucket); the others add a suffix inside the same hash tag, so all the
 * limits of one scope share a Redis Cluster slot and one script call. `global` has one bucket.
 */
export const limitKey = (
  baseKey: string,
  scope: RateLimitConfig['scope'],
  index: number,
): string => (index === 0 || scope === 'global' ? baseKey : `${baseKey}:limit:${index}`);
