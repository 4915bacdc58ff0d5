/** One bucket's settings, from the route's `rate_limit`. */
export interface BucketSpec {
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly cost: number;
}

/** The outcome of one take. "Limit exceeded" is a decision, not an error. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Milliseconds until the bucket is full again. */
  readonly resetMs: number;
  /** Milliseconds until this request's cost would be available (0 when allowed). */
  readonly retryAfterMs: number;
}

/** The port the rate-limit middleware depends on. Redis, Redis Cluster and memory all fit it. */
export interface RateLimiter {
  /** Throws `RateLimiterError` when the store cannot decide. */
  take(key: string, bucket: BucketSpec): Promise<RateDecision>;
}

export type RateLimiterFailure = 'timeout' | 'unavailable' | 'circuit_open' | 'bad_reply' | 'error';

/** The store could not decide; the route's `on_error` says whether the request goes through. */
export class RateLimiterError extends Error {
  readonly failure: RateLimiterFailure;

  constructor(failure: RateLimiterFailure, options?: { cause?: unknown }) {
    super(`Rate limiter failed: ${failure}`, options);
    this.name = 'RateLimiterError';
    this.failure = failure;
  }
}
