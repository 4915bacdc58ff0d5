import { LRUCache } from 'lru-cache';
import type {
  BucketSpec,
  BucketTake,
  MultiRateDecision,
  RateDecision,
  RateLimiter,
} from './rate-limiter';

interface Refusal {
  /** The smallest cost refused; a request of at least this cost is refused too. */
  readonly cost: number;
  /** `performance.now()` until which the bucket cannot hold `cost` tokens. */
  readonly until: number;
  /** `performance.now()` at which the bucket is full again. */
  readonly fullAt: number;
  readonly limitCapacity: number;
}

/**
 * Answers a refusal locally, without a Redis round trip, while the store has said the bucket cannot
 * hold the cost yet. This is exact, not an approximation: a bucket only gains tokens by refill, and
 * `retryAfterMs` is how long the refill takes; other containers can only take more. So no request
 * this cache refuses could have been allowed. A flood against one bucket then costs Redis one call
 * per refill period instead of one per request. Durations use this process's monotonic clock; the
 * bucket's own time stays Redis'.
 */
export class RefusalCache implements RateLimiter {
  readonly #inner: RateLimiter;
  readonly #refusals: LRUCache<string, Refusal>;
  readonly #now: () => number;

  get dependency(): string {
    return this.#inner.dependency;
  }

  constructor(inner: RateLimiter, options: { maxEntries?: number; now?: () => number } = {}) {
    this.#inner = inner;
    this.#refusals = new LRUCache({ max: options.maxEntries ?? 10_000 });
    this.#now = options.now ?? (() => performance.now());
  }

  take(key: string, bucket: BucketSpec): Promise<RateDecision> {
    const now = this.#now();
    // Most traffic is allowed and most buckets were never refused: skip the lookup then.
    const refusal = this.#refusals.size === 0 ? undefined : this.#refusals.get(key);
    if (
      refusal &&
      now < refusal.until &&
      bucket.cost >= refusal.cost &&
      bucket.capacity === refusal.limitCapacity
    ) {
      return Promise.resolve({
        allowed: false,
        remaining: 0,
        resetMs: Math.ceil(refusal.fullAt - now),
        retryAfterMs: Math.ceil(refusal.until - now),
      });
    }
    // A chained callback rather than `async`/`await`: one promise less on every request's path.
    return this.#inner.take(key, bucket).then((decision) => {
      if (decision.allowed) {
        if (refusal) this.#refusals.delete(key);
      } else if (decision.retryAfterMs > 1) {
        this.#remember(key, bucket, now, decision);
      }
      return decision;
    });
  }

  /**
   * Not cached: a local refusal would have to invent the other buckets' state for the headers.
   * Each multi-bucket decision is one Redis call, as a single bucket's allowed request is.
   */
  takeAll(takes: readonly BucketTake[]): Promise<MultiRateDecision> {
    return this.#inner.takeAll(takes);
  }

  #remember(key: string, bucket: BucketSpec, now: number, decision: RateDecision): void {
    // The store rounds its wait up to a whole millisecond and decided after `now`: one
    // millisecond less keeps the local window inside the true one.
    const windowMs = decision.retryAfterMs - 1;
    this.#refusals.set(
      key,
      {
        cost: bucket.cost,
        until: now + windowMs,
        fullAt: now + decision.resetMs,
        limitCapacity: bucket.capacity,
      },
      { ttl: windowMs },
    );
  }
}
