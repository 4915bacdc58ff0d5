import { LRUCache } from 'lru-cache';
import type { BucketSpec, RateDecision, RateLimiter } from './rate-limiter';

/**
 * The token bucket of `token-bucket.lua` (GCRA: one "full again at" time per bucket), in this
 * process: for `npm start` without Redis and for tests. Same arithmetic, same replies; limits are
 * per process, so never use it behind more than one Lambda container.
 */
export class MemoryTokenBucket implements RateLimiter {
  /** Bucket key -> the microsecond time at which that bucket is full again (TAT). */
  readonly #fullAt: LRUCache<string, number>;
  readonly #nowMicros: () => number;

  constructor(options: { maxBuckets?: number; nowMicros?: () => number } = {}) {
    this.#fullAt = new LRUCache({ max: options.maxBuckets ?? 100_000 });
    this.#nowMicros =
      options.nowMicros ?? (() => Math.floor((performance.timeOrigin + performance.now()) * 1000));
  }

  async take(key: string, { capacity, refillPerSecond, cost }: BucketSpec): Promise<RateDecision> {
    const now = this.#nowMicros();
    const interval = 1_000_000 / refillPerSecond;
    const tolerance = capacity * interval;
    const tat = Math.max(this.#fullAt.get(key) ?? now, now);
    const newTat = tat + cost * interval;
    const allowAt = newTat - tolerance;
    if (now < allowAt) {
      return {
        allowed: false,
        remaining: Math.floor((now - (tat - tolerance)) / interval),
        resetMs: Math.ceil((tat - now) / 1000),
        retryAfterMs: Math.ceil((allowAt - now) / 1000),
      };
    }
    const resetMs = Math.ceil((newTat - now) / 1000);
    // The script's PX expiry is hygiene here: a bucket past its full time reads as full anyway
    // (tat < now), and the LRU bound keeps memory in check without per-entry timers.
    this.#fullAt.set(key, newTat);
    return {
      allowed: true,
      remaining: Math.floor((tolerance - (newTat - now)) / interval),
      resetMs,
      retryAfterMs: 0,
    };
  }
}
