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

    describe('several buckets of one request (takeAll)', () => {
      /** Two keys under one hash tag, as a route's limits of one scope are. */
      const pair = () => {
        const base = key();
        return [base, `${base}:limit:1`] as const;
      };
      const burst = { capacity: 10, refillPerSecond: 0.001, cost: 1 };
      const quota = { capacity: 2, refillPerSecond: 0.001, cost: 1 };

      it('charges every bucket when all of them have room', async () => {
        const [a, b] = pair();

        const outcome = await limiter().takeAll([
          { key: a, bucket: burst, shadow: false },
          { key: b, bucket: quota, shadow: false },
        ]);

        expect(outcome.allowed).toBe(true);
        expect(outcome.decisions.map((d) => [d.allowed, d.remaining])).toEqual([
          [true, 9],
          [true, 1],
        ]);
      });

      it('takes nothing from any bucket when one refuses', async () => {
        const [a, b] = pair();
        const both = [
          { key: a, bucket: burst, shadow: false },
          { key: b, bucket: quota, shadow: false },
        ];
        await limiter().takeAll(both);
        await limiter().takeAll(both);

        const refused = await limiter().takeAll(both);
        const refusedAgain = await limiter().takeAll(both);
        const burstAfter = await limiter().take(a, burst);

        expect(refused.allowed).toBe(false);
        expect(refusedAgain.allowed).toBe(false);
        expect(refused.decisions.map((d) => d.allowed)).toEqual([true, false]);
        expect(refused.decisions[1]?.retryAfterMs).toBeGreaterThan(0);
        // Two requests passed; the two refused ones took nothing from the burst bucket.
        expect(burstAfter).toMatchObject({ allowed: true, remaining: 7 });
      });

      it('lets a shadow bucket report a refusal without refusing, and charges it only when it has room', async () => {
        const [a, b] = pair();
        const takes = [
          { key: a, bucket: burst, shadow: false },
          { key: b, bucket: quota, shadow: true },
        ];
        const outcomes = [];
        for (let i = 0; i < 4; i += 1) outcomes.push(await limiter().takeAll(takes));

        expect(outcomes.map((o) => o.allowed)).toEqual([true, true, true, true]);
        expect(outcomes.map((o) => o.decisions[1]?.allowed)).toEqual([true, true, false, false]);
        expect(outcomes.map((o) => o.decisions[0]?.remaining)).toEqual([9, 8, 7, 6]);
      });
    });
  });
};
