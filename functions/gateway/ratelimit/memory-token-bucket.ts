import { LRUCache } from 'lru-cache';
import type { BucketSpec, RateDecision, RateLimiter } from './rate-limiter';

interface Bucket {
  tokens: number;
  /** Microseconds, from `nowMicros`. */
  ts: number;
}

/**
 * The token bucket of `token-bucket.lua`, in this process: for `npm start` without Redis and for
 * tests. Same arithmetic, same replies; limits are per process, so never use it behind more than
 * one Lambda container.
 */
export class MemoryTokenBucket implements RateLimiter {
  readonly #buckets: LRUCache<string, Bucket>;
  readonly #nowMicros: () => number;

  constructor(options: { maxBuckets?: number; nowMicros?: () => number } = {}) {
    this.#buckets = new LRUCache({ max: options.maxBuckets ?? 100_000 });
    this.#nowMicros =
      options.nowMicros ?? (() => Math.floor((performance.timeOrigin + performance.now()) * 1000));
  }

  async take(
    key: string,
    { capacity, refillPerSecond: rate, cost }: BucketSpec,
  ): Promise<RateDecision> {
    const now = this.#nowMicros();
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, ts: now };
    if (now > bucket.ts) {
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.ts) * rate) / 1_000_000);
      bucket.ts = now;
    }
    let allowed = false;
    let retryAfterMs = 0;
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      allowed = true;
    } else {
      retryAfterMs = Math.ceil(((cost - bucket.tokens) * 1000) / rate);
    }
    const resetMs = Math.ceil(((capacity - bucket.tokens) * 1000) / rate);
    // Like the PEXPIRE in the script: a bucket that would be full again is forgotten.
    this.#buckets.set(key, bucket, { ttl: Math.max(resetMs, 1) });
    return { allowed, remaining: Math.floor(bucket.tokens), resetMs, retryAfterMs };
  }
}
