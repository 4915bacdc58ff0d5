/**
 * `npm run bench:ratelimit`: our Redis token bucket against rate-limiter-flexible's RateLimiterRedis
 * (the most used Node limiter), on the same Redis, the same keys and the same concurrency, in one
 * run. Reports decisions per second, p50/p99 latency, Redis round trips per decision (commands the
 * client sent), Redis server time per decision (`INFO commandstats`: microseconds Redis spent in
 * the contenders' EVALSHA/EVAL calls, so run it on a Redis nothing else is using) and allowed-count
 * accuracy for a 1000-request burst on a bucket of 100.
 *
 * The two run interleaved in batches of 1000 decisions, alternating who goes first, on two clients
 * of the same options, so machine drift hits both alike; the throughput verdict (target: at least
 * 1.0x the peer at 1 and at 50 in flight) takes the median of the ratios of back-to-back batch
 * pairs. Environment: REDIS_URL (default redis://127.0.0.1:6379), BENCH_DECISIONS (per round,
 * default 20000), BENCH_ROUNDS (default 3).
 */
import '../dev/lua-require-hook';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { CircuitBreakerRateLimiter } from '../functions/gateway/ratelimit/circuit-breaker';
import { RedisTokenBucket } from '../functions/gateway/ratelimit/redis-token-bucket';
import { RefusalCache } from '../functions/gateway/ratelimit/refusal-cache';
import { helpIfAsked } from '../scripts/cli-help';
import { ratio, summarize, verdict } from './stats';

helpIfAsked(
  process.argv.slice(2),
  `usage: npm run bench:ratelimit

Our Redis token bucket against rate-limiter-flexible on the same Redis, interleaved in one run:
allowed traffic at 1 and 50 in flight, a flood on one bucket, and a 1000-request burst on a bucket
of 100. Prints a verdict per target: throughput at least the peer's (1.0x, the median of
back-to-back batch pairs) at 1 and at 50 in flight, at most one Redis round trip per decision, and
exactly 100 allowed of the burst. Run it on a Redis nothing else uses (REDIS_URL) for the Redis
time. Every key it creates starts with bench-rl-<run id>: and is removed at the end.
Environment: REDIS_URL (default redis://127.0.0.1:6379), BENCH_DECISIONS (per round, default
20000), BENCH_ROUNDS (default 3).`,
);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Every key of this run starts with it, so the run can remove exactly what it created. */
const RUN_PREFIX = `bench-rl-${randomUUID()}:`;
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEYS = 100;
const BATCH = 1000;

type Decide = (key: string) => Promise<boolean>;

/** Microseconds Redis has spent running scripts since its stats were last reset. */
const scriptMicros = async (inspector: Redis): Promise<number> => {
  const info = await inspector.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_eval(?:sha)?:.*?usec=(\d+)/gm)) {
    total += Number(match[1]);
  }
  return total;
};

/** A bucket shape both sides can express: `capacity` requests, refilled over `seconds`. */
interface Shape {
  readonly capacity: number;
  readonly seconds: number;
}

interface Contender {
  readonly name: string;
  readonly client: Redis;
  commands: number;
  /** A limiter of this shape, under its own key prefix. */
  limiter(shape: Shape): Decide;
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
  // The wrappers wireRateLimiter puts around it (the breaker never trips here, but it is on the
  // path), on the same plain client as the peer's. Ours pays for its reply deadline, as in
  // production; the peer has none.
  const bucket = new RefusalCache(
    new CircuitBreakerRateLimiter(
      new RedisTokenBucket(client, { replyTimeoutMs: 1000, readyWaitMs: 1000 }),
    ),
  );
  return Object.assign(contender, {
    client,
    limiter: ({ capacity, seconds }: Shape): Decide => {
      const prefix = `${RUN_PREFIX}gw-${randomUUID()}:`;
      const spec = { capacity, refillPerSecond: capacity / seconds, cost: 1 };
      return async (key) => (await bucket.take(prefix + key, spec)).allowed;
    },
  });
};

const peer = (): Contender => {
  const contender = { name: 'rate-limiter-flexible', commands: 0 } as Contender;
  const client = countingClient(contender);
  return Object.assign(contender, {
    client,
    // Its defaults: a fixed window of `points` per `duration` seconds, one Lua call per decision.
    limiter: ({ capacity, seconds }: Shape): Decide => {
      const limiter = new RateLimiterRedis({
        storeClient: client,
        points: capacity,
        duration: seconds,
        keyPrefix: `${RUN_PREFIX}rlf-${randomUUID()}`,
      });
      return async (key) => {
        try {
          await limiter.consume(key, 1);
          return true;
        } catch (error) {
          if (error instanceof RateLimiterRes) return false;
          throw error;
        }
      };
    },
  });
};

/** `decisions` calls with `inFlight` outstanding at any time, over `keys` keys. */
const drive = async (decide: Decide, decisions: number, inFlight: number, keys: number) => {
  const latencies: number[] = [];
  let allowed = 0;
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < decisions) {
      const i = next;
      next += 1;
      const t0 = performance.now();
      if (await decide(`k${i % keys}`)) allowed += 1;
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { latencies, allowed, seconds: (performance.now() - started) / 1000 };
};

/** One table row per contender for a scenario, measured interleaved in batches. */
const cell = async (
  contenders: readonly Contender[],
  inspector: Redis,
  title: string,
  options: {
    shape: Shape;
    inFlight: number;
    keys: number;
    decisions: number;
    rounds: number;
    /** Print a verdict on the throughput ratio (target: ours at least the peer's). */
    throughputTarget?: boolean;
  },
): Promise<void> => {
  const stats = contenders.map(() => ({
    latencies: [] as number[],
    seconds: 0,
    commands: 0,
    allowed: 0,
    serverMicros: 0,
  }));
  const batches = Math.max(1, Math.round(options.decisions / BATCH));
  // ours/peer throughput of each pair of back-to-back batches: the pair saw the same machine, so
  // the median of these ratios shrugs off a burst of load from elsewhere that hit one batch.
  const pairRatios: number[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    // Warm each side on throwaway buckets, so the measured ones start full.
    for (const contender of contenders)
      await drive(contender.limiter(options.shape), 200, options.inFlight, options.keys);
    const deciders = contenders.map((contender) => contender.limiter(options.shape));
    for (let batch = 0; batch < batches; batch += 1) {
      const order = (round * batches + batch) % 2 === 0 ? [0, 1] : [1, 0];
      const rates = [0, 0];
      for (const index of order) {
        const contender = contenders[index] as Contender;
        const stat = stats[index] as (typeof stats)[number];
        contender.commands = 0;
        const serverBefore = await scriptMicros(inspector);
        const result = await drive(
          deciders[index] as Decide,
          BATCH,
          options.inFlight,
          options.keys,
        );
        stat.latencies.push(...result.latencies);
        stat.seconds += result.seconds;
        stat.commands += contender.commands;
        stat.serverMicros += (await scriptMicros(inspector)) - serverBefore;
        stat.allowed += result.allowed;
        rates[index] = BATCH / result.seconds;
      }
      pairRatios.push((rates[0] as number) / (rates[1] as number));
    }
  }
  console.log(`\n${title}`);
  const rows = stats.map((stat, index) => {
    const summary = summarize(stat.latencies);
    const row = {
      ...summary,
      perSecond: summary.n / stat.seconds,
      roundTrips: stat.commands / summary.n,
      serverMicros: stat.serverMicros / summary.n,
    };
    console.log(
      `  ${String(contenders[index]?.name).padEnd(24)} ${row.perSecond.toFixed(0).padStart(7)} decisions/s  p50 ${row.p50.toFixed(3)} ms  p99 ${row.p99.toFixed(3)} ms  round trips/decision ${row.roundTrips.toFixed(3)}  Redis ${row.serverMicros.toFixed(2)} µs/decision  allowed ${((stat.allowed / summary.n) * 100).toFixed(1)}%`,
    );
    return row;
  });
  const [a, b] = rows;
  if (a && b) {
    const pairMedian = summarize(pairRatios).p50;
    console.log(
      `  ratio ours/peer: throughput ${ratio(a.perSecond / b.perSecond)} (median of ${pairRatios.length} batch pairs ${ratio(pairMedian)})  p50 ${ratio(a.p50 / b.p50)}  p99 ${ratio(a.p99 / b.p99)}  Redis time ${ratio(a.serverMicros / b.serverMicros)}`,
    );
    if (options.throughputTarget) {
      console.log(
        `  ${verdict(`throughput ours/peer, ${options.inFlight} in flight (median of batch pairs)`, pairMedian, { op: '>=', limit: 1, unit: 'x' })}`,
      );
    }
    // The per-request budget: at most one Redis round trip per decision.
    console.log(
      `  ${verdict(`round trips per decision, ${title.split(':')[0]} (${options.inFlight} in flight)`, a.roundTrips, { op: '<=', limit: 1, unit: '' }, 3)}`,
    );
  }
};

const run = async (contenders: Contender[], inspector: Redis): Promise<void> => {
  await Promise.all([...contenders.map((c) => c.client.ping()), inspector.ping()]);
  console.log(
    `rate limit benchmark: ${REDIS_URL}, Node ${process.version}, ${ROUNDS} rounds of ${DECISIONS} decisions per scenario`,
  );

  const roomy = { capacity: 1_000_000_000, seconds: 3600 };
  for (const inFlight of [1, 50]) {
    await cell(
      contenders,
      inspector,
      `allowed traffic: ${KEYS} keys with room to spare, ${inFlight} in flight`,
      {
        shape: roomy,
        inFlight,
        keys: KEYS,
        decisions: DECISIONS,
        rounds: ROUNDS,
        throughputTarget: true,
      },
    );
  }
  await cell(
    contenders,
    inspector,
    'flood: one bucket of 100 per second, 50 in flight (most requests refused)',
    {
      shape: { capacity: 100, seconds: 1 },
      inFlight: 50,
      keys: 1,
      decisions: DECISIONS,
      rounds: 1,
    },
  );

  console.log(
    '\naccuracy: 1000 concurrent requests on one bucket of 100 (no refill during the burst)',
  );
  for (const contender of contenders) {
    const decide = contender.limiter({ capacity: 100, seconds: 100_000 });
    const outcomes = await Promise.all(Array.from({ length: 1000 }, () => decide('one')));
    const allowed = outcomes.filter(Boolean).length;
    console.log(
      `  ${contender.name.padEnd(24)} allowed ${allowed} (expected 100) ${allowed === 100 ? 'exact' : 'WRONG'}`,
    );
    if (contender === contenders[0]) {
      console.log(
        `  ${verdict('burst of 1000 on a bucket of 100, allowed', allowed, { op: '=', limit: 100, unit: '' })}`,
      );
    }
  }
};

/** Deletes every key this run created (SCAN by the run's prefix); returns how many. */
const removeRunKeys = async (client: Redis): Promise<number> => {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${RUN_PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await client.unlink(...keys);
  } while (cursor !== '0');
  return removed;
};

const main = async (): Promise<void> => {
  const contenders = [ours(), peer()];
  const inspector = new Redis(REDIS_URL);
  try {
    await run(contenders, inspector);
  } finally {
    const removed = await removeRunKeys(inspector);
    const left = await removeRunKeys(inspector);
    console.log(`\ncleanup: removed ${removed} keys under ${RUN_PREFIX}; ${left} left`);
    await Promise.all([...contenders.map((c) => c.client.quit()), inspector.quit()]);
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
