/**
 * `npm run bench:ratelimit`: our Redis token bucket against rate-limiter-flexible's RateLimiterRedis
 * (the most used Node limiter), on the same Redis, the same keys and the same concurrency, in one
 * run. Reports decisions per second, p50/p99 latency, Redis round trips per decision (commands the
 * client sent) and allowed-count accuracy for a 1000-request burst on a bucket of 100.
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379), BENCH_DECISIONS (default 20000),
 * BENCH_ROUNDS (default 3). The two run interleaved in batches of 1000, alternating who goes first.
 */
import '../dev/lua-require-hook';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RedisTokenBucket } from '../functions/gateway/ratelimit/redis-token-bucket';
import { ratio, summarize } from './stats';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEYS = 100;
const BATCH = 1000;

type Decide = (key: string) => Promise<boolean>;

interface Contender {
  readonly name: string;
  readonly client: Redis;
  /** A limiter with room for every decision of a round (throughput), and one of 100 (accuracy). */
  readonly roomy: Decide;
  readonly burst: (key: string) => Decide;
  commands: number;
}

/** Counts what the client sends: each command is one request on the wire (no pipelines here). */
const countingClient = (contender: { commands: number }): Redis => {
  const client = new Redis(REDIS_URL, { protocol: 2, enableAutoPipelining: false });
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<typeof send>) => {
    contender.commands += 1;
    return send(...args);
  }) as typeof client.sendCommand;
  return client;
};

const ours = (): Contender => {
  const contender = { name: 'gateway token bucket', commands: 0 } as Contender;
  const client = countingClient(contender);
  const bucket = new RedisTokenBucket(client, 1000);
  const take = (spec: { capacity: number; refillPerSecond: number }) => async (key: string) =>
    (await bucket.take(key, { ...spec, cost: 1 })).allowed;
  return Object.assign(contender, {
    client,
    // Slow refill: the keys live for the whole run, as the peer's one-hour windows do.
    roomy: take({ capacity: 1_000_000_000, refillPerSecond: 1 }),
    burst: (prefix: string) => async (key: string) =>
      take({ capacity: 100, refillPerSecond: 0.001 })(`${prefix}${key}`),
  });
};

const peer = (): Contender => {
  const contender = { name: 'rate-limiter-flexible', commands: 0 } as Contender;
  const client = countingClient(contender);
  const consume = (limiter: RateLimiterRedis) => async (key: string) => {
    try {
      await limiter.consume(key, 1);
      return true;
    } catch (error) {
      if (error instanceof RateLimiterRes) return false;
      throw error;
    }
  };
  const roomy = new RateLimiterRedis({
    storeClient: client,
    points: 1_000_000_000,
    duration: 3600,
    keyPrefix: `rlf-${randomUUID()}`,
  });
  return Object.assign(contender, {
    client,
    roomy: consume(roomy),
    burst: (prefix: string) =>
      consume(
        new RateLimiterRedis({
          storeClient: client,
          points: 100,
          duration: 3600,
          keyPrefix: prefix,
        }),
      ),
  });
};

/** `decisions` calls with `inFlight` outstanding at any time; returns latencies and wall time. */
const drive = async (decide: Decide, decisions: number, inFlight: number, prefix: string) => {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < decisions) {
      const i = next;
      next += 1;
      const t0 = performance.now();
      await decide(`${prefix}:${i % KEYS}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000 };
};

const main = async (): Promise<void> => {
  const contenders = [ours(), peer()];
  await Promise.all(contenders.map((c) => c.client.ping()));
  console.log(
    `rate limit benchmark: ${DECISIONS} decisions x ${ROUNDS} rounds per cell, interleaved in batches of ${BATCH}, ${KEYS} keys, ${REDIS_URL}, Node ${process.version}`,
  );

  for (const inFlight of [1, 50]) {
    // Interleaved in batches, alternating who goes first, so machine drift hits both alike.
    const batches = Math.max(1, Math.round(DECISIONS / BATCH));
    const stats = contenders.map(() => ({ latencies: [] as number[], seconds: 0, commands: 0 }));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const contender of contenders)
        await drive(contender.roomy, 500, inFlight, `warm-${randomUUID()}`);
      const prefixes = contenders.map(() => `bench-${randomUUID()}`);
      for (let batch = 0; batch < batches; batch += 1) {
        const order = (round * batches + batch) % 2 === 0 ? [0, 1] : [1, 0];
        for (const index of order) {
          const contender = contenders[index] as Contender;
          const stat = stats[index] as (typeof stats)[number];
          contender.commands = 0;
          const result = await drive(contender.roomy, BATCH, inFlight, prefixes[index] as string);
          stat.latencies.push(...result.latencies);
          stat.seconds += result.seconds;
          stat.commands += contender.commands;
        }
      }
    }
    const [a, b] = stats.map((stat) => {
      const summary = summarize(stat.latencies);
      return {
        ...summary,
        perSecond: summary.n / stat.seconds,
        roundTrips: stat.commands / summary.n,
      };
    });
    if (!a || !b) throw new Error('no results');
    console.log(`\n${inFlight} in flight`);
    for (const [name, r] of [
      [contenders[0]?.name, a],
      [contenders[1]?.name, b],
    ] as const) {
      console.log(
        `  ${String(name).padEnd(24)} ${r.perSecond.toFixed(0).padStart(7)} decisions/s  p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms  round trips/decision ${r.roundTrips.toFixed(2)}`,
      );
    }
    console.log(
      `  ratio ours/peer: throughput ${ratio(a.perSecond / b.perSecond)}  p50 ${ratio(a.p50 / b.p50)}  p99 ${ratio(a.p99 / b.p99)}`,
    );
  }

  console.log(
    '\naccuracy: 1000 concurrent requests on one bucket of 100 (no refill during the burst)',
  );
  for (const contender of contenders) {
    const decide = contender.burst(`acc-${randomUUID()}:`);
    const outcomes = await Promise.all(Array.from({ length: 1000 }, () => decide('one')));
    const allowed = outcomes.filter(Boolean).length;
    console.log(
      `  ${contender.name.padEnd(24)} allowed ${allowed} (expected 100) ${allowed === 100 ? 'exact' : 'WRONG'}`,
    );
  }

  await Promise.all(contenders.map((c) => c.client.quit()));
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
