import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimiter } from '../../functions/gateway/ratelimit/rate-limiter';

/**
 * The behaviour every `RateLimiter` must have, run against each implementation (in-memory and
 * Redis) so that `npm start` without Redis limits exactly as production does.
 */
export const rateLimiterContract = (name: string, limiter: () => RateLimiter): void => {
  describe(`RateLimiter contract: ${name}`, () => {
    const key = () => `rl:test:{${randomUUID()}}`;

    it('starts full: the first request is allowed and leaves capacity - cost', async () => {
      const decision = await limiter().take(key(), { capacity: 10, refillPerSecond: 1, cost: 3 });

      expect(decision).toEqual({ allowed: true, remaining: 7, resetMs: 3000, retryAfterMs: 0 });
    });

    it('refuses once the bucket is empty, saying when the cost will be there', async () => {
      const bucket = key();
      const spec = { capacity: 2, refillPerSecond: 0.5, cost: 1 };
      await limiter().take(bucket, spec);
      await limiter().take(bucket, spec);

      const refused = await limiter().take(bucket, spec);

      expect(refused.allowed).toBe(false);
      expect(refused.remaining).toBe(0);
      // One token at 0.5/s is 2000 ms away, less the few ms since the last take.
      expect(refused.retryAfterMs).toBeGreaterThan(1900);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(2000);
      expect(refused.resetMs).toBeGreaterThan(3900);
      expect(refused.resetMs).toBeLessThanOrEqual(4000);
    });

    it('does not take tokens for a refused request', async () => {
      const bucket = key();
      const spec = { capacity: 5, refillPerSecond: 0.001, cost: 3 };
      await limiter().take(bucket, spec);

      const refused = await limiter().take(bucket, spec);
      const cheap = await limiter().take(bucket, { ...spec, cost: 2 });

      expect(refused.allowed).toBe(false);
      expect(cheap).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('refills by elapsed time, up to capacity', async () => {
      const bucket = key();
      const spec = { capacity: 3, refillPerSecond: 20, cost: 3 };
      await limiter().take(bucket, spec);
      expect((await limiter().take(bucket, { ...spec, cost: 1 })).allowed).toBe(false);

      await sleep(200); // 20/s x 0.2 s = 4 tokens, capped at 3

      const after = await limiter().take(bucket, spec);
      expect(after.allowed).toBe(true);
      expect(after.remaining).toBe(0);
    });

    it('keeps buckets apart by key', async () => {
      const [a, b] = [key(), key()];
      const spec = { capacity: 1, refillPerSecond: 0.001, cost: 1 };

      await limiter().take(a, spec);

      expect((await limiter().take(a, spec)).allowed).toBe(false);
      expect((await limiter().take(b, spec)).allowed).toBe(true);
    });
  });
};
