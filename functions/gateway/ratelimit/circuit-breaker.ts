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
    const refused = this.#admit();
    if (refused) return Promise.reject(refused);
    const probe = this.#probing;
    let pending: Promise<RateDecision>;
    try {
      pending = this.#inner.take(key, bucket);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.#settle(pending, probe);
  }

  takeAll(takes: readonly BucketTake[]): Promise<MultiRateDecision> {
    const refused = this.#admit();
    if (refused) return Promise.reject(refused);
    const probe = this.#probing;
    let pending: Promise<MultiRateDecision>;
    try {
      pending = this.#inner.takeAll(takes);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.#settle(pending, probe);
  }

  /** The error to fail with at once, or `undefined` when the call may go (marking a probe). */
  #admit(): RateLimiterError | undefined {
    // The closed circuit first, without reading the clock: that is every call while Redis is up.
    if (this.#failures < this.#threshold) {
      this.#probing = false;
      return undefined;
    }
    if (this.#now() < this.#openUntil || this.#probing) {
      return new RateLimiterError(this.#inner.dependency, 'circuit_open');
    }
    this.#probing = true;
    return undefined;
  }

  // Chained rather than awaited, with handlers bound once: this is on every request's path (see
  // RedisTokenBucket).
  #settle<T>(pending: Promise<T>, probe: boolean): Promise<T> {
    return probe
      ? pending.then(this.#probeSucceeded, this.#probeFailed)
      : pending.then(this.#succeeded, this.#failed);
  }

  readonly #succeeded = <T>(decision: T): T => {
    if (this.#failures >= this.#threshold) this.#onStateChange?.('closed');
    this.#failures = 0;
    return decision;
  };

  readonly #failed = (error: unknown): never => {
    this.#failures += 1;
    if (this.#failures >= this.#threshold) {
      if (this.#failures === this.#threshold) this.#onStateChange?.('open');
      this.#openUntil = this.#now() + this.#openMs;
    }
    throw error;
  };

  readonly #probeSucceeded = <T>(decision: T): T => {
    this.#probing = false;
    return this.#succeeded(decision);
  };

  readonly #probeFailed = (error: unknown): never => {
    this.#probing = false;
    this.#failures += 1;
    this.#onStateChange?.('open');
    this.#openUntil = this.#now() + this.#openMs;
    throw error;
  };
}
