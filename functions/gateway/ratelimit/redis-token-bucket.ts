import {
  type BucketSpec,
  type RateDecision,
  type RateLimiter,
  RateLimiterError,
} from './rate-limiter';
import { type RedisClient, whenReady } from './redis-client';
import tokenBucketLua from './token-bucket.lua';

const COMMAND = 'gatewayTokenBucket';
type TokenBucketCommand = (
  key: string,
  capacity: number,
  rate: number,
  cost: number,
) => Promise<unknown>;

const isIntegerArray = (reply: unknown): reply is [number, number, number, number] =>
  Array.isArray(reply) && reply.length === 4 && reply.every((value) => Number.isInteger(value));

const classify = (error: unknown): RateLimiterError => {
  const message = error instanceof Error ? error.message : '';
  if (/timed out/i.test(message)) return new RateLimiterError('timeout', { cause: error });
  if (/writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ready/i.test(message)) {
    return new RateLimiterError('unavailable', { cause: error });
  }
  return new RateLimiterError('error', { cause: error });
};

/**
 * `RateLimiter` on Redis: `token-bucket.lua` registered with ioredis `defineCommand`, so each take
 * is one EVALSHA round trip (ioredis falls back to EVAL on NOSCRIPT, e.g. after a failover).
 * Works with a standalone client and with a Cluster (one key per call, hash-tagged by the caller).
 */
export class RedisTokenBucket implements RateLimiter {
  readonly #run: TokenBucketCommand;
  readonly #client: RedisClient;
  readonly #readyWaitMs: number;

  /** @param readyWaitMs how long a request may wait for the first connection (cold start). */
  constructor(client: RedisClient, readyWaitMs = 200) {
    this.#client = client;
    this.#readyWaitMs = readyWaitMs;
    client.defineCommand(COMMAND, { numberOfKeys: 1, lua: tokenBucketLua });
    const command = (client as unknown as Record<string, TokenBucketCommand | undefined>)[COMMAND];
    if (!command) throw new Error('ioredis did not define the token bucket command');
    this.#run = command.bind(client);
  }

  async take(key: string, bucket: BucketSpec): Promise<RateDecision> {
    let reply: unknown;
    try {
      if (this.#client.status !== 'ready') await whenReady(this.#client, this.#readyWaitMs);
      reply = await this.#run(key, bucket.capacity, bucket.refillPerSecond, bucket.cost);
    } catch (error) {
      throw classify(error);
    }
    if (!isIntegerArray(reply)) {
      throw new RateLimiterError('bad_reply', {
        cause: new Error(`unexpected reply ${JSON.stringify(reply)}`),
      });
    }
    const [allowed, remaining, resetMs, retryAfterMs] = reply;
    return { allowed: allowed === 1, remaining, resetMs, retryAfterMs };
  }
}
