import type { Logger } from '@aws-lambda-powertools/logger';
import type { ReadinessCheck } from '../health/readiness';
import { CircuitBreakerRateLimiter } from './circuit-breaker';
import { MemoryTokenBucket } from './memory-token-bucket';
import type { RateLimiter } from './rate-limiter';
import { createRedisClient, type RedisClient, whenReady } from './redis-client';
import type { RedisSettings } from './redis-settings';
import { RedisTokenBucket } from './redis-token-bucket';
import { RefusalCache } from './refusal-cache';

export interface RateLimitWiring {
  readonly limiter: RateLimiter;
  readonly store: 'redis' | 'memory';
  readonly readinessCheck?: ReadinessCheck;
  readonly client?: RedisClient;
}

/**
 * The Redis limiter behind a circuit breaker and a local refusal cache, with its readiness check;
 * or, without Redis settings,
 * the in-memory limiter (limits then hold per container only, which the caller should say).
 */
export const wireRateLimiter = (
  settings: RedisSettings | undefined,
  logger: Logger,
  breaker: { failureThreshold?: number; openMs?: number } = {},
): RateLimitWiring => {
  if (!settings) return { limiter: new MemoryTokenBucket(), store: 'memory' };
  const client = createRedisClient(settings);
  // ioredis reports each failed (re)connection as an 'error' event; without a listener it prints them.
  client.on('error', (error: Error) =>
    logger.debug('redis connection error', { error: error.message }),
  );
  const limiter = new RefusalCache(
    new CircuitBreakerRateLimiter(new RedisTokenBucket(client), {
      ...breaker,
      onStateChange: (state) =>
        logger.warn(`rate limiter circuit ${state}`, { dependency: 'redis' }),
    }),
  );
  return {
    limiter,
    store: 'redis',
    client,
    readinessCheck: {
      name: 'redis',
      check: async () => {
        await whenReady(client, 200);
        await client.ping();
      },
    },
  };
};
