import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisClient } from '../../functions/gateway/ratelimit/redis-client';
import { RedisTokenBucket } from '../../functions/gateway/ratelimit/redis-token-bucket';
import { rateLimiterContract } from '../helpers/rate-limiter-contract';
import { SHARED_REDIS } from '../helpers/redis-process';

// A generous command timeout: these tests measure the script, not a stalled machine.
const client = createRedisClient({
  ...SHARED_REDIS,
  tls: false,
  cluster: false,
  commandTimeoutMs: 2000,
  connectTimeoutMs: 2000,
});
const limiter = new RedisTokenBucket(client, { replyTimeoutMs: 2000, readyWaitMs: 2000 });
const inspector = new Redis(SHARED_REDIS);

afterAll(async () => {
  await client.quit();
  await inspector.quit();
});

rateLimiterContract('RedisTokenBucket on the real Redis', () => limiter);

describe('Integration: RedisTokenBucket', () => {
  it('allows exactly the capacity out of 1000 concurrent requests', async () => {
    // Refill 0.001/s: during a burst of well under a second that refills 0.00x tokens, so the
    // computed expectation is exactly the capacity.
    const key = `rl:test:{${randomUUID()}}`;
    const spec = { capacity: 100, refillPerSecond: 0.001, cost: 1 };
    const [startSeconds] = (await inspector.time()) as [number, number];

    const decisions = await Promise.all(
      Array.from({ length: 1000 }, () => limiter.take(key, spec)),
    );

    const [endSeconds] = (await inspector.time()) as [number, number];
    const refilled = Math.floor(
      (Number(endSeconds) - Number(startSeconds) + 1) * spec.refillPerSecond,
    );
    expect(refilled).toBe(0);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(spec.capacity + refilled);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterMs > 0)).toBe(true);
  });

  it('allows the capacity plus exactly what refilled, by Redis time', async () => {
    const key = `rl:test:{${randomUUID()}}`;
    const spec = { capacity: 10, refillPerSecond: 10, cost: 1 };
    const drained = await Promise.all(Array.from({ length: 10 }, () => limiter.take(key, spec)));
    expect(drained.every((d) => d.allowed)).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 350)); // ~3.5 tokens
    // The stored value is the time the bucket is full again: tokens = capacity - (fullAt - now) * rate.
    const fullAt = Number(await inspector.get(key));
    const [sec, usec] = (await inspector.time()) as [number, number];
    const nowMicros = Number(sec) * 1_000_000 + Number(usec);
    const available =
      spec.capacity - (Math.max(fullAt - nowMicros, 0) * spec.refillPerSecond) / 1e6;
    const burst = await Promise.all(Array.from({ length: 20 }, () => limiter.take(key, spec)));

    // The burst ran a few ms after the reading: it may have gained at most one more token.
    const allowed = burst.filter((d) => d.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(Math.floor(available));
    expect(allowed).toBeLessThanOrEqual(Math.floor(available) + 1);
  });

  it('expires the key when the bucket would be full again', async () => {
    const key = `rl:test:{${randomUUID()}}`;

    const decision = await limiter.take(key, { capacity: 10, refillPerSecond: 2, cost: 3 });

    const ttl = await inspector.pttl(key);
    expect(decision.resetMs).toBe(1500);
    expect(ttl).toBeGreaterThan(1400);
    expect(ttl).toBeLessThanOrEqual(1500);
  });

  it('keeps the whole state in one number: when the bucket is full again, in Redis microseconds', async () => {
    const key = `rl:test:{${randomUUID()}}`;
    const [sec, usec] = (await inspector.time()) as [number, number];
    const before = Number(sec) * 1_000_000 + Number(usec);

    await limiter.take(key, { capacity: 5, refillPerSecond: 1, cost: 2 });

    const fullAt = Number(await inspector.get(key));
    // Two tokens at 1/s: full again two seconds after the take.
    expect(fullAt - before).toBeGreaterThanOrEqual(2_000_000);
    expect(fullAt - before).toBeLessThan(2_100_000);
  });

  it('writes nothing for a refused request', async () => {
    const key = `rl:test:{${randomUUID()}}`;
    const spec = { capacity: 1, refillPerSecond: 0.001, cost: 1 };
    await limiter.take(key, spec);
    const stored = await inspector.get(key);

    const refused = await limiter.take(key, spec);

    expect(refused.allowed).toBe(false);
    expect(await inspector.get(key)).toBe(stored);
  });

  it('reloads the script after SCRIPT FLUSH (NOSCRIPT fallback)', async () => {
    const key = `rl:test:{${randomUUID()}}`;
    await limiter.take(key, { capacity: 5, refillPerSecond: 1, cost: 1 });

    await inspector.script('FLUSH');
    const decision = await limiter.take(key, { capacity: 5, refillPerSecond: 1, cost: 1 });

    expect(decision).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('sends the script in full on a new connection: one round trip for its first decision too', async () => {
    const key = `rl:test:{${randomUUID()}}`;
    const fresh = createRedisClient({
      ...SHARED_REDIS,
      tls: false,
      cluster: false,
      commandTimeoutMs: 2000,
      connectTimeoutMs: 2000,
    });
    const freshLimiter = new RedisTokenBucket(fresh, { replyTimeoutMs: 2000, readyWaitMs: 2000 });
    const monitor = await inspector.monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.includes(key)) commands.push(String(args[0]).toLowerCase());
    });
    try {
      await freshLimiter.take(key, { capacity: 5, refillPerSecond: 1, cost: 1 });
      await freshLimiter.take(key, { capacity: 5, refillPerSecond: 1, cost: 1 });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      monitor.disconnect();
      await fresh.quit();
    }

    // EVAL carries the script on the connection's first take (no NOSCRIPT detour), EVALSHA after.
    expect(commands.filter((c) => c === 'evalsha' || c === 'eval')).toEqual(['eval', 'evalsha']);
  });

  it('makes exactly one round trip per decision', async () => {
    const key = `rl:test:{${randomUUID()}}`;
    await limiter.take(key, { capacity: 5, refillPerSecond: 1, cost: 1 }); // script cached
    const monitor = await inspector.monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.includes(key)) commands.push(String(args[0]).toLowerCase());
    });

    await limiter.take(key, { capacity: 5, refillPerSecond: 1, cost: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    monitor.disconnect();

    // MONITOR also shows the script's own calls (time, get, set): one evalsha from the client.
    expect(commands.filter((c) => c === 'evalsha' || c === 'eval')).toEqual(['evalsha']);
  });
});
