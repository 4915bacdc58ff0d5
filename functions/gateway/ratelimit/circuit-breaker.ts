import {
  type BucketSpec,
  type BucketTake,
  type MultiRateDecision,
  type RateDecision,
  type RateLimiter,
  RateLimiterError,
} from './rate-limiter';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 3 */
  readonly failureThreshold?: number;
  /** How long an open circuit refuses at once before letting one probe through. @default 5000 */
  readonly openMs?: number;
  readonly now?: () => number;
  /** Told when the circuit opens or closes, for logs and metrics. */
  readonly onStateChange?: (state: 'open' | 'closed') => void;
}

/**
 * Stops paying the Redis timeout on every request while Redis is down: after `failureThreshold`
 * consecutive failures it fails at once for `openMs`, then lets one request probe; a success
 * closes it, a failure opens it again. Consecutive failures (not a rolling error rate) because a
 * Lambda container serves one request at a time; no timers, so nothing runs between invocations.
 */
export class CircuitBreakerRateLimiter implements RateLimiter {
  readonly #inner: RateLimiter;
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #now: () => number;
  readonly #onStateChange: ((state: 'open' | 'closed') => void) | undefined;
  #failures = 0;
  #openUntil = 0;
  #probing = false;

  get dependency(): string {
    return this.#inner.dependency;
  }

  constructor(inner: RateLimiter, options: CircuitBreakerOptions = {}) {
    this.#inner = inner;
    this.#threshold = options.failureThreshold ?? 3;
    this.#openMs = options.openMs ?? 5000;
    this.#now = options.now ?? Date.now;
    this.#onStateChange = options.onStateChange;
  }

  get state(): 'closed' | 'open' | 'half_open' {
    if (this.#failures < this.#threshold) return 'closed';
    return this.#now() < this.#openUntil ? 'open' : 'half_open';
  }

  take(key: string, bucket: BucketSpec): Promise<RateDecision> {
    return this.#guard(() => this.#inner.take(key, bucket));
  }

  takeAll(takes: readonly BucketTake[]): Promise<MultiRateDecision> {
    return this.#guard(() => this.#inner.takeAll(takes));
  }

  #guard<T>(call: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half_open' && this.#probing)) {
      return Promise.reject(new RateLimiterError(this.#inner.dependency, 'circuit_open'));
    }
    const probe = state === 'half_open';
    this.#probing = probe;
    let pending: Promise<T>;
    try {
      pending = call();
    } catch (error) {
      pending = Promise.reject(error);
    }
    // Chained rather than awaited: this is on every request's path (see RedisTokenBucket).
    return pending.then(
      (decision) => {
        if (probe) this.#probing = false;
        if (this.#failures >= this.#threshold) this.#onStateChange?.('closed');
        this.#failures = 0;
        return decision;
      },
      (error: unknown) => {
        if (probe) this.#probing = false;
        this.#failures += 1;
        if (this.#failures >= this.#threshold) {
          if (this.#failures === this.#threshold || probe) this.#onStateChange?.('open');
          this.#openUntil = this.#now() + this.#openMs;
        }
        throw error;
      },
    );
  }
}
