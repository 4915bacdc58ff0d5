import { DependencyError } from '../http/dependency-error';
import type { BucketShape } from './bucket-shape';
/** One bucket's settings, from the route's `rate_limit`. */
export interface BucketSpec {
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly cost: number;
  /**
   * The settings in the limiters' units, worked out when the route table is compiled
   * (`prepareRouteLimits`); a spec made elsewhere (a test, a benchmark) has it worked out per take.
   */
  readonly shape?: BucketShape;
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

/** One bucket of a request that is charged to several (see `RateLimiter.takeAll`). */
export interface BucketTake {
  readonly key: string;
  readonly bucket: BucketSpec;
  /** A shadow bucket is run but never refuses the request. */
  readonly shadow: boolean;
}

/** The outcome of `takeAll`. */
export interface MultiRateDecision {
  /** Every enforced bucket had room, so the request passes (and was charged). */
  readonly allowed: boolean;
  /**
   * Per bucket, in the order given: `allowed` says whether that bucket had room. A bucket was
   * charged when both it and the request were allowed.
   */
  readonly decisions: readonly RateDecision[];
}

/** The port the rate-limit middleware depends on. Redis, Redis Cluster and memory all fit it. */
export interface RateLimiter {
  /** The store that decides (`redis`, `memory`), as logs and metrics name it. */
  readonly dependency: string;
  /** Throws `RateLimiterError` when the store cannot decide. */
  take(key: string, bucket: BucketSpec): Promise<RateDecision>;
  /**
   * Several buckets of one request, decided at once and atomically: the request passes when every
   * enforced bucket has room, and only then is anything charged (shadow buckets that have room
   * included). The keys share one hash tag, so Redis decides them in one call.
   * Throws `RateLimiterError` when the store cannot decide.
   */
  takeAll(takes: readonly BucketTake[]): Promise<MultiRateDecision>;
}

export type RateLimiterFailure = 'timeout' | 'unavailable' | 'circuit_open' | 'bad_reply' | 'error';

/** The store could not decide; the route's `on_error` says whether the request goes through. */
export class RateLimiterError extends DependencyError<RateLimiterFailure> {
  /** @param dependency the store that failed, as logs and metrics name it (`redis`). */
  constructor(dependency: string, failure: RateLimiterFailure, options?: { cause?: unknown }) {
    super(dependency, failure, `Rate limiter failed: ${failure}`, options);
    this.name = 'RateLimiterError';
  }
}
