import type { RateLimitConfig } from '../config/schema';
import type { RateDecision } from './rate-limiter';

/**
 * `RateLimit-*` headers (IETF draft "RateLimit header fields for HTTP"): the limit, what is left,
 * seconds until the bucket is full, and the policy (`<capacity>;w=<seconds to refill from empty>`).
 */
export const rateLimitHeaders = (
  limit: RateLimitConfig,
  decision: RateDecision,
): Record<string, string> => ({
  'ratelimit-limit': String(limit.capacity),
  'ratelimit-remaining': String(decision.remaining),
  'ratelimit-reset': String(Math.ceil(decision.resetMs / 1000)),
  'ratelimit-policy': `${limit.capacity};w=${Math.ceil(limit.capacity / limit.refill_per_second)}`,
});

/** Whole seconds, at least 1: `Retry-After: 0` would invite an immediate, refused retry. */
export const retryAfterSeconds = (decision: RateDecision): string =>
  String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
