import { MemoryTokenBucket } from '../../../functions/gateway/ratelimit/memory-token-bucket';
import { rateLimiterContract } from '../../helpers/rate-limiter-contract';

const shared = new MemoryTokenBucket();
rateLimiterContract('MemoryTokenBucket', () => shared);

describe('RateLimiter: MemoryTokenBucket', () => {
  it('allows exactly capacity out of a concurrent burst', async () => {
    const limiter = new MemoryTokenBucket();

    const decisions = await Promise.all(
      Array.from({ length: 1000 }, () =>
        limiter.take('burst', { capacity: 100, refillPerSecond: 0.001, cost: 1 }),
      ),
    );

    expect(decisions.filter((d) => d.allowed)).toHaveLength(100);
  });

  it('follows an injected clock exactly', async () => {
    let now = 1_000_000_000;
    const limiter = new MemoryTokenBucket({ nowMicros: () => now });
    const spec = { capacity: 10, refillPerSecond: 4, cost: 10 };
    await limiter.take('k', spec);

    now += 2_499_999; // 9.999996 tokens: not yet 10 (refused, with 1 us to wait, rounded up to 1 ms)
    expect(await limiter.take('k', spec)).toEqual({
      allowed: false,
      remaining: 9,
      resetMs: 1,
      retryAfterMs: 1,
    });
    now += 1; // 10 tokens
    expect(await limiter.take('k', spec)).toEqual({
      allowed: true,
      remaining: 0,
      resetMs: 2500,
      retryAfterMs: 0,
    });
  });
});
