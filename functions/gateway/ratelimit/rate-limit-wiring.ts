import type { Logger } from '@aws-lambda-powertools/logger';
import type { ReadinessCheck } from '../health/readiness';
import { CircuitBreakerRateLimiter } from './circuit-breaker';
import { MemoryTokenBucket } from './memory-token-bucket';
import type { RateLimiter } from './rate-limiter';
import { createRedisClient, type RedisClient, RedisNotReadyError, whenReady } from './redis-client';
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
  // Why the connection is down, for readiness (`refused` tells an operator more than "down").
  let connectionError: Error | undefined;
  // ioredis reports each failed (re)connection as an 'error' event; without a listener it prints them.
  client.on('error', (error: Error) => {
    connectionError = error;
    logger.debug('redis connection error', { error: error.message });
  });
  client.on('ready', () => {
    connectionError = undefined;
  });
  const limiter = new RefusalCache(
    new CircuitBreakerRateLimiter(
      new RedisTokenBucket(client, { replyTimeoutMs: settings.commandTimeoutMs }),
      {
        ...breaker,
        onStateChange: (state) =>
          logger.warn(`rate limiter circuit ${state}`, { dependency: 'redis' }),
      },
    ),
  );
  return {
    limiter,
    store: 'redis',
    client,
    readinessCheck: {
      name: 'redis',
      // No deadline of its own: a Redis that does not answer is a `timeout` by readiness' deadline.
      check: async () => {
        try {
          await whenReady(client, 200);
        } catch (error) {
          if (!(error instanceof RedisNotReadyError) || error.reason !== 'unavailable') throw error;
          throw connectionError ?? error;
        }
        await client.ping();
      },
    },
  };
};
