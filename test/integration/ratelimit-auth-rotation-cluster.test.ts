import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { bucketKey } from '../../functions/gateway/ratelimit/bucket-key';
import {
  type RateLimitWiring,
  wireRateLimiter,
} from '../../functions/gateway/ratelimit/rate-limit-wiring';
import type { RateDecision } from '../../functions/gateway/ratelimit/rate-limiter';
import type { SecretSource } from '../../functions/gateway/secrets/secret-source';
import { captureOutput } from '../helpers/capture-output';
import { productionLogger } from '../helpers/gateway-server';
import { RedisCluster } from '../helpers/redis-cluster';

/**
 * The AUTH token rotation in cluster mode (REDIS_CLUSTER=true): a three-shard Redis Cluster whose
 * nodes all change `requirepass`, every client connection killed; the limiter must reconnect every
 * node (and the slot refresher) with the token the secret source now holds.
 */
const OLD_TOKEN = 'cluster-old-token-0123456789abcdef';
const NEW_TOKEN = 'cluster-new-token-fedcba9876543210';
const RECOVERY_MS = 20_000;

const cluster = new RedisCluster();
let secretValue = OLD_TOKEN;
let reads = 0;
const source: SecretSource = {
  description: 'test secret',
  read: async () => {
    reads += 1;
    return secretValue;
  },
};
let wiring: RateLimitWiring;
let output: ReturnType<typeof captureOutput>;

const onEveryNode = async (password: string | undefined, ...command: string[]): Promise<void> => {
  await Promise.all(
    cluster.nodes.map(async (node) => {
      const admin = new Redis({ port: node.port, ...(password ? { password } : {}) });
      try {
        await admin.call(command[0] ?? 'PING', ...command.slice(1));
      } finally {
        admin.disconnect();
      }
    }),
  );
};

const take = (key: string): Promise<RateDecision | Error> =>
  wiring.limiter
    .take(key, { capacity: 10, refillPerSecond: 1, cost: 1 })
    .catch((error: unknown) => error as Error);

/** A take on a key of every shard's slots (different hash tags), until all are decided. */
const keys = Array.from({ length: 12 }, (_, i) =>
  bucketKey('ip', `rot-${i}`, { sourceIp: `10.0.0.${i}` }),
);
const untilAllDecided = async (): Promise<(RateDecision | Error)[]> => {
  const deadline = performance.now() + RECOVERY_MS;
  let results = await Promise.all(keys.map(take));
  while (results.some((r) => r instanceof Error) && performance.now() < deadline) {
    await sleep(250);
    results = await Promise.all(keys.map(take));
  }
  return results;
};

beforeAll(async () => {
  await cluster.start();
  await onEveryNode(undefined, 'CONFIG', 'SET', 'requirepass', OLD_TOKEN);
  wiring = wireRateLimiter(
    {
      ...cluster.seed,
      password: OLD_TOKEN,
      tls: false,
      cluster: true,
      commandTimeoutMs: 2000,
      connectTimeoutMs: 2000,
      authRefreshIntervalMs: 1000,
    },
    productionLogger(),
    { failureThreshold: 1000 },
    { authToken: source },
  );
}, 30_000);

afterAll(async () => {
  wiring?.client?.disconnect();
  await cluster.stop();
});
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('Integration: AUTH token rotation on a Redis Cluster', () => {
  it('limits on every shard with the first token', async () => {
    const results = await untilAllDecided();

    expect(results.every((r) => !(r instanceof Error) && r.allowed)).toBe(true);
    expect(reads).toBe(0);
  }, 30_000);

  it('reconnects every node with the new token once the secret holds it, without a restart', async () => {
    secretValue = NEW_TOKEN;
    await onEveryNode(OLD_TOKEN, 'CONFIG', 'SET', 'requirepass', NEW_TOKEN);
    await onEveryNode(NEW_TOKEN, 'CLIENT', 'KILL', 'TYPE', 'normal');

    const results = await untilAllDecided();

    expect(results.filter((r) => r instanceof Error).map((r) => (r as Error).message)).toEqual([]);
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(output.text()).not.toContain(NEW_TOKEN);
    expect(output.text()).not.toContain(OLD_TOKEN);
  }, 30_000);
});
