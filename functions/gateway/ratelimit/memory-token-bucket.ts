import { LRUCache } from 'lru-cache';
import { bucketShape, decisionFromAhead } from './bucket-shape';
import type {
  BucketSpec,
  BucketTake,
  MultiRateDecision,
  RateDecision,
  RateLimiter,
} from './rate-limiter';

/**
 * The token bucket of `token-bucket.lua` (GCRA: one "full again at" time per bucket), in this
 * process: for `npm start` without Redis and for tests. Same arithmetic, same replies; limits are
 * per process, so never use it behind more than one Lambda container.
 */
export class MemoryTokenBucket implements RateLimiter {
  readonly dependency = 'memory';
  /** Bucket key -> the microsecond time at which that bucket is full again (TAT). */
  readonly #fullAt: LRUCache<string, number>;
  readonly #nowMicros: () => number;

  constructor(options: { maxBuckets?: number; nowMicros?: () => number } = {}) {
    this.#fullAt = new LRUCache({ max: options.maxBuckets ?? 100_000 });
    this.#nowMicros =
      options.nowMicros ?? (() => Math.floor((performance.timeOrigin + performance.now()) * 1000));
  }

  async take(key: string, bucket: BucketSpec): Promise<RateDecision> {
    const shape = bucketShape(bucket);
    const now = this.#nowMicros();
    const tat = Math.max(this.#fullAt.get(key) ?? now, now);
    const newTat = tat + shape.increment;
    if (newTat - shape.tolerance > now) return decisionFromAhead(shape, false, tat - now);
    // The script's PX expiry is hygiene here: a bucket past its full time reads as full anyway
    // (tat < now), and the LRU bound keeps memory in check without per-entry timers.
    this.#fullAt.set(key, newTat);
    return decisionFromAhead(shape, true, newTat - now);
  }

  /** `token-buckets.lua` in this process: all enforced buckets have room, or nothing is taken. */
  async takeAll(takes: readonly BucketTake[]): Promise<MultiRateDecision> {
    const now = this.#nowMicros();
    const looked = takes.map((take) => {
      const shape = bucketShape(take.bucket);
      const tat = Math.max(this.#fullAt.get(take.key) ?? now, now);
      return { take, shape, tat, fits: !(tat + shape.increment - shape.tolerance > now) };
    });
    const allowed = looked.every(({ take, fits }) => fits || take.shadow);
    const decisions = looked.map(({ take, shape, tat, fits }) => {
      if (!(allowed && fits)) return decisionFromAhead(shape, fits, tat - now);
      const newTat = tat + shape.increment;
      this.#fullAt.set(take.key, newTat);
      return decisionFromAhead(shape, true, newTat - now);
    });
    return { allowed, decisions };
  }
}
