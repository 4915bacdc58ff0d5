import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { bucketKey } from '../../functions/gateway/ratelimit/bucket-key';
import {
  createRedisClient,
  type RedisClient,
} from '../../functions/gateway/ratelimit/redis-client';
import { RedisTokenBucket } from '../../functions/gateway/ratelimit/redis-token-bucket';
import { rateLimiterContract } from '../helpers/rate-limiter-contract';
import { RedisCluster } from '../helpers/redis-cluster';

// The limiter in cluster mode (REDIS_CLUSTER=true) against a real three-shard Redis Cluster.
const cluster = new RedisCluster();
let client: RedisClient;
let limiter: RedisTokenBucket;

beforeAll(async () => {
  await cluster.start();
  client = createRedisClient({
    ...cluster.seed,
    tls: false,
    cluster: true,
    commandTimeoutMs: 2000,
    connectTimeoutMs: 2000,
  });
  limiter = new RedisTokenBucket(client, { replyTimeoutMs: 2000, readyWaitMs: 5000 });
}, 30_000);

afterAll(async () => {
  await client?.quit();
  await cluster.stop();
});

rateLimiterContract('RedisTokenBucket on a Redis Cluster', () => limiter);

describe('Integration: RedisTokenBucket on a Redis Cluster', () => {
  it('uses a Cluster client', () => {
    expect(client).toBeInstanceOf(Cluster);
  });

  it('keeps buckets of many users on different shards, each exact', async () => {
    const route = `route-${randomUUID().slice(0, 8)}`;
    const keys = Array.from({ length: 12 }, (_, index) =>
      bucketKey('user', route, { userId: `user-${index}`, sourceIp: '192.0.2.1' }),
    );
    const spec = { capacity: 5, refillPerSecond: 0.001, cost: 1 };

    const decisions = await Promise.all(
      keys.map((key) => Promise.all(Array.from({ length: 20 }, () => limiter.take(key, spec)))),
    );

    for (const perKey of decisions) {
      expect(perKey.filter((decision) => decision.allowed)).toHaveLength(spec.capacity);
    }
    const shards = new Set(
      await Promise.all(
        keys.map(async (key) => {
          const slot = Number(await (client as Cluster).call('CLUSTER', 'KEYSLOT', key));
          const slots = (await (client as Cluster).call('CLUSTER', 'SLOTS')) as [
            number,
            number,
            [string, number],
          ][];
          return slots.find(([first, last]) => slot >= first && slot <= last)?.[2][1];
        }),
      ),
    );
    expect(shards.size).toBeGreaterThan(1);
  });

  it('allows exactly the capacity out of 1000 concurrent requests on one bucket', async () => {
    const key = bucketKey('route', `burst-${randomUUID()}`, { sourceIp: '192.0.2.1' });

    const decisions = await Promise.all(
      Array.from({ length: 1000 }, () =>
        limiter.take(key, { capacity: 100, refillPerSecond: 0.001, cost: 1 }),
      ),
    );

    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(100);
  });
});
