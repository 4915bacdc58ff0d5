import { CircuitBreakerRateLimiter } from '../../../functions/gateway/ratelimit/circuit-breaker';
import {
  type RateLimiter,
  RateLimiterError,
} from '../../../functions/gateway/ratelimit/rate-limiter';
import { unusedTakeAll } from '../../helpers/single-limit-only';

const spec = { capacity: 1, refillPerSecond: 1, cost: 1 };
const allowed = { allowed: true, remaining: 0, resetMs: 1000, retryAfterMs: 0 };

const flaky = () => {
  const inner = {
    calls: 0,
    failing: true,
    dependency: 'redis',
    takeAll: unusedTakeAll,
    async take() {
      inner.calls += 1;
      if (inner.failing) throw new RateLimiterError('redis', 'timeout');
      return allowed;
    },
  } satisfies RateLimiter & Record<string, unknown>;
  return inner;
};

const failureOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'none',
    (error: RateLimiterError) => error.failure,
  );

describe('RateLimiter: CircuitBreakerRateLimiter', () => {
  it('opens after the threshold of consecutive failures and then fails without calling Redis', async () => {
    const inner = flaky();
    const breaker = new CircuitBreakerRateLimiter(inner, {
      failureThreshold: 3,
      openMs: 1000,
      now: () => 0,
    });

    for (let i = 0; i < 3; i += 1) expect(await failureOf(breaker.take('k', spec))).toBe('timeout');
    const refused = await failureOf(breaker.take('k', spec));

    expect(refused).toBe('circuit_open');
    expect(inner.calls).toBe(3);
    expect(breaker.state).toBe('open');
  });

  it('lets one probe through after the pause; a success closes it', async () => {
    let now = 0;
    const inner = flaky();
    const changes: string[] = [];
    const breaker = new CircuitBreakerRateLimiter(inner, {
      failureThreshold: 2,
      openMs: 1000,
      now: () => now,
      onStateChange: (state) => changes.push(state),
    });
    await failureOf(breaker.take('k', spec));
    await failureOf(breaker.take('k', spec));

    now = 1000;
    inner.failing = false;
    expect(breaker.state).toBe('half_open');
    await expect(breaker.take('k', spec)).resolves.toEqual(allowed);

    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'closed']);
  });

  it('opens again for another pause when the probe fails', async () => {
    let now = 0;
    const inner = flaky();
    const breaker = new CircuitBreakerRateLimiter(inner, {
      failureThreshold: 1,
      openMs: 1000,
      now: () => now,
    });
    await failureOf(breaker.take('k', spec));

    now = 1000;
    expect(await failureOf(breaker.take('k', spec))).toBe('timeout');
    now = 1999;

    expect(await failureOf(breaker.take('k', spec))).toBe('circuit_open');
    expect(inner.calls).toBe(2);
  });

  it('sends only one probe while it is in flight', async () => {
    let now = 0;
    let release: () => void = () => undefined;
    const inner: RateLimiter & { calls: number; failing: boolean } = {
      calls: 0,
      failing: true,
      dependency: 'redis',
      takeAll: unusedTakeAll,
      async take() {
        inner.calls += 1;
        if (inner.failing) throw new RateLimiterError('redis', 'timeout');
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return allowed;
      },
    };
    const breaker = new CircuitBreakerRateLimiter(inner, {
      failureThreshold: 1,
      openMs: 10,
      now: () => now,
    });
    await failureOf(breaker.take('k', spec));
    now = 10;
    inner.failing = false;

    const probe = breaker.take('k', spec);
    const second = await failureOf(breaker.take('k', spec));
    release();

    expect(second).toBe('circuit_open');
    await expect(probe).resolves.toEqual(allowed);
    expect(inner.calls).toBe(2);
  });

  it('resets the count on a success before the threshold', async () => {
    const inner = flaky();
    const breaker = new CircuitBreakerRateLimiter(inner, { failureThreshold: 2, now: () => 0 });
    await failureOf(breaker.take('k', spec));
    inner.failing = false;
    await breaker.take('k', spec);
    inner.failing = true;

    await failureOf(breaker.take('k', spec));

    expect(breaker.state).toBe('closed');
  });
});
