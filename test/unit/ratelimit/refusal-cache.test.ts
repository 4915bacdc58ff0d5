import { MemoryTokenBucket } from '../../../functions/gateway/ratelimit/memory-token-bucket';
import type { BucketSpec, RateLimiter } from '../../../functions/gateway/ratelimit/rate-limiter';
import { RefusalCache } from '../../../functions/gateway/ratelimit/refusal-cache';
import { unusedTakeAll } from '../../helpers/single-limit-only';

/** A memory bucket on a fake clock, counting the calls that reach it. */
const setup = () => {
  let nowMs = 1_000;
  const bucket = new MemoryTokenBucket({ nowMicros: () => nowMs * 1000 });
  const inner = {
    calls: 0,
    dependency: 'redis',
    takeAll: unusedTakeAll,
    take: (key: string, spec: BucketSpec) => {
      inner.calls += 1;
      return bucket.take(key, spec);
    },
  } satisfies RateLimiter & Record<string, unknown>;
  const cache = new RefusalCache(inner, { now: () => nowMs });
  return { inner, cache, advance: (ms: number) => (nowMs += ms) };
};

const spec = { capacity: 2, refillPerSecond: 1, cost: 1 };

describe('RateLimiter: RefusalCache', () => {
  it('refuses locally, without a store call, until a token could exist', async () => {
    const { inner, cache, advance } = setup();
    await cache.take('k', spec);
    await cache.take('k', spec);
    const refused = await cache.take('k', spec); // store says: 1000 ms to wait
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 1000 });

    advance(500);
    const local = await cache.take('k', spec);

    expect(inner.calls).toBe(3);
    // One millisecond of the store's rounding is given back, so the local window is never too long.
    expect(local).toEqual({ allowed: false, remaining: 0, resetMs: 1500, retryAfterMs: 499 });
  });

  it('asks the store again once the wait is over, and is never stricter than the store', async () => {
    const { inner, cache, advance } = setup();
    for (let i = 0; i < 3; i += 1) await cache.take('k', spec);

    advance(1000);
    const after = await cache.take('k', spec);

    expect(after.allowed).toBe(true);
    expect(inner.calls).toBe(4);
  });

  it('lets a cheaper request ask the store', async () => {
    const { inner, cache } = setup();
    const big = { capacity: 5, refillPerSecond: 1, cost: 4 };
    await cache.take('k', big);
    await cache.take('k', big); // refused: 1 token left

    const small = await cache.take('k', { ...big, cost: 1 });

    expect(small.allowed).toBe(true);
    expect(inner.calls).toBe(3);
  });

  it('keeps refusals per key', async () => {
    const { inner, cache } = setup();
    for (let i = 0; i < 3; i += 1) await cache.take('a', spec);

    expect((await cache.take('b', spec)).allowed).toBe(true);
    expect(inner.calls).toBe(4);
  });

  it('allows exactly what the store alone allows over a long flood', async () => {
    let nowMs = 0;
    const plain = new MemoryTokenBucket({ nowMicros: () => nowMs * 1000 });
    const behind = new MemoryTokenBucket({ nowMicros: () => nowMs * 1000 });
    const cached = new RefusalCache(behind, { now: () => nowMs });
    const flood = { capacity: 10, refillPerSecond: 7, cost: 1 };
    let plainAllowed = 0;
    let cachedAllowed = 0;

    for (let step = 0; step < 20_000; step += 1) {
      nowMs += 0.37;
      if ((await plain.take('k', flood)).allowed) plainAllowed += 1;
      if ((await cached.take('k', flood)).allowed) cachedAllowed += 1;
    }

    expect(cachedAllowed).toBe(plainAllowed);
  });
});
