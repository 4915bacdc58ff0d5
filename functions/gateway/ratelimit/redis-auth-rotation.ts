import type { Logger } from '@aws-lambda-powertools/logger';
import { rootCause } from '../observability/root-cause';
import { rateLimitedReread } from '../secrets/rate-limited-reread';
import { redisAuthTokenFrom } from '../secrets/redis-auth-token';
import type { SecretSource } from '../secrets/secret-source';
import {
  isRedisAuthError,
  type RedisClient,
  redisPassword,
  setRedisPassword,
} from './redis-client';

export interface AuthRotationOptions {
  /** At most one read of the secret per interval. */
  readonly minIntervalMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * Follows an AUTH token rotation (ElastiCache `ROTATE`, then `SET`): when Redis refuses the token,
 * read the secret again, at most once per interval, and give the client the new token for its next
 * connection attempt (ioredis closes a refused connection and retries it with backoff). Until then
 * takes fail as `unavailable`, so each route's `on_error` decides, as for any Redis outage.
 * Never logs the token.
 *
 * @returns the listener for the client's connection errors (`error`, and `node error` on a Cluster).
 */
export const followAuthTokenRotation = (
  client: RedisClient,
  source: SecretSource,
  options: AuthRotationOptions,
): ((error: Error) => void) => {
  const gate = rateLimitedReread(source, options.minIntervalMs, options.now);
  const { logger } = options;
  return (error) => {
    if (!isRedisAuthError(error)) return;
    const reading = gate.reread();
    if (!reading) return;
    logger.warn('redis refused the auth token: reading it again', {
      dependency: 'redis',
      source: source.description,
    });
    reading
      .then((text) => redisAuthTokenFrom(text))
      .then(
        (token) => {
          if (token === redisPassword(client)) {
            logger.error('redis refused the auth token, and the secret still holds it', {
              dependency: 'redis',
              source: source.description,
            });
            return;
          }
          setRedisPassword(client, token);
          logger.info('redis auth token replaced; reconnecting with it', {
            dependency: 'redis',
            source: source.description,
          });
        },
        (readError: unknown) =>
          logger.error('redis auth token could not be read again', {
            dependency: 'redis',
            source: source.description,
            ...rootCause(readError),
            error: readError instanceof Error ? readError.message : String(readError),
          }),
      );
  };
};
