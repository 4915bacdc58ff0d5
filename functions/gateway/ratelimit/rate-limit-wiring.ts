import type { Logger } from '@aws-lambda-powertools/logger';
import type { ReadinessCheck } from '../health/readiness';
import { noTracing, type Tracing } from '../observability/tracing';
import type { SecretSource } from '../secrets/secret-source';
import { CircuitBreakerRateLimiter } from './circuit-breaker';
import { MemoryTokenBucket } from './memory-token-bucket';
import type { RateLimiter } from './rate-limiter';
import { followAuthTokenRotation } from './redis-auth-rotation';
import { createRedisClient, type RedisClient, RedisNotReadyError, whenReady } from './redis-client';
import { DEFAULT_AUTH_REFRESH_INTERVAL_MS, type RedisSettings } from './redis-settings';
import { RedisTokenBucket } from './redis-token-bucket';
import { RefusalCache } from './refusal-cache';
import { TracedRateLimiter } from './traced-rate-limiter';

export interface RateLimitWiring {
  readonly limiter: RateLimiter;
  readonly store: 'redis' | 'memory';
  readonly readinessCheck?: ReadinessCheck;
  readonly client?: RedisClient;
}

export interface RateLimitWiringOptions {
  /**
   * Where the AUTH token is read again when Redis refuses it (`GatewaySecrets.redisAuthTokenSource`:
   * the Secrets Manager secret `REDIS_AUTH_SECRET_ARN` names). Unset: a refused token stays refused.
   */
  readonly authToken?: SecretSource;
  /** Each Redis decision becomes a subsegment of the trace. @default off */
  readonly tracing?: Tracing;
}

/**
 * The Redis limiter behind a circuit breaker and a local refusal cache, with its readiness check;
 * or, without Redis settings,
 * the in-memory limiter (limits then hold per container only, which the caller should say).
 * With an AUTH token source, a refused token is read again and used for the next connection
 * (`followAuthTokenRotation`).
 */
export const wireRateLimiter = (
  settings: RedisSettings | undefined,
  logger: Logger,
  breaker: { failureThreshold?: number; openMs?: number } = {},
  options: RateLimitWiringOptions = {},
): RateLimitWiring => {
  if (!settings) return { limiter: new MemoryTokenBucket(), store: 'memory' };
  const client = createRedisClient(settings);
  const authToken = options.authToken;
  const onAuthError = authToken
    ? followAuthTokenRotation(client, authToken, {
        minIntervalMs: settings.authRefreshIntervalMs ?? DEFAULT_AUTH_REFRESH_INTERVAL_MS,
        logger,
      })
    : undefined;
  // Why the connection is down, for readiness (`refused` tells an operator more than "down").
  let connectionError: Error | undefined;
  // ioredis reports each failed (re)connection as an 'error' event; without a listener it prints them.
  client.on('error', (error: Error) => {
    connectionError = error;
    logger.debug('redis connection error', { error: error.message });
    onAuthError?.(error);
  });
  // A Cluster reports each node's connection errors as `node error`, not `error`.
  if (onAuthError) client.on('node error', (error: Error) => onAuthError(error));
  client.on('ready', () => {
    connectionError = undefined;
  });
  const tracing = options.tracing ?? noTracing;
  const redisBucket = new RedisTokenBucket(client, { replyTimeoutMs: settings.commandTimeoutMs });
  const limiter = new RefusalCache(
    new CircuitBreakerRateLimiter(
      // Only calls that reach Redis are traced: refusals from the local cache and the open circuit
      // make no round trip.
      tracing.active ? new TracedRateLimiter(redisBucket, tracing) : redisBucket,
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
