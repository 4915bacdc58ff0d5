import type { RateLimitConfig } from '../config/schema';
import type { RateDecision } from './rate-limiter';

/** The `RateLimit-*` headers that depend on the route's limit alone: worked out once per route. */
export const limitHeaders = (limit: RateLimitConfig): Readonly<Record<string, string>> => ({
  'ratelimit-limit': String(limit.capacity),
  'ratelimit-policy': limitPolicy(limit),
});

/** One limit's `RateLimit-Policy` item: `<capacity>;w=<seconds to refill from empty>`. */
export const limitPolicy = (limit: RateLimitConfig): string =>
  `${limit.capacity};w=${Math.ceil(limit.capacity / limit.refill_per_second)}`;

/**
 * `RateLimit-*` headers (IETF draft "RateLimit header fields for HTTP"): the limit, what is left,
 * seconds until the bucket is full, and the policy (`<capacity>;w=<seconds to refill from empty>`).
 * `fixed` is `limitHeaders` of the route's limit.
 */
export const rateLimitHeaders = (
  fixed: Readonly<Record<string, string>>,
  decision: RateDecision,
): Record<string, string> => ({
  ...fixed,
  'ratelimit-remaining': String(decision.remaining),
  'ratelimit-reset': String(Math.ceil(decision.resetMs / 1000)),
});

/** Whole seconds, at least 1: `Retry-After: 0` would invite an immediate, refused retry. */
export const retryAfterSeconds = (decision: RateDecision): string =>
  String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
