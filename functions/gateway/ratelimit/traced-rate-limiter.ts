import type { Tracing } from '../observability/tracing';
import type {
  BucketSpec,
  BucketTake,
  MultiRateDecision,
  RateDecision,
  RateLimiter,
} from './rate-limiter';

/** A limiter whose every decision is a `Redis` subsegment of the invocation's trace. */
export class TracedRateLimiter implements RateLimiter {
  readonly #inner: RateLimiter;
  readonly #tracing: Tracing;
  readonly #name: string;

  constructor(inner: RateLimiter, tracing: Tracing, name = 'Redis') {
    this.#inner = inner;
    this.#tracing = tracing;
    this.#name = name;
  }

  get dependency(): string {
    return this.#inner.dependency;
  }

  take(key: string, bucket: BucketSpec): Promise<RateDecision> {
    return this.#tracing.span(this.#name, () => this.#inner.take(key, bucket));
  }

  takeAll(takes: readonly BucketTake[]): Promise<MultiRateDecision> {
    return this.#tracing.span(this.#name, () => this.#inner.takeAll(takes));
  }
}
