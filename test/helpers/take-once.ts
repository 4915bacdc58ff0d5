/**
 * One rate-limit take through the production wiring of a separate Node process, configured only by
 * the environment (REDIS_URL etc.), as the Lambda is. Prints the decision or the failure as JSON.
 * Used where the process itself must be set up differently, e.g. NODE_EXTRA_CA_CERTS for TLS.
 */
import '../../dev/lua-require-hook';
import { RateLimiterError } from '../../functions/gateway/ratelimit/rate-limiter';
import { createRedisClient } from '../../functions/gateway/ratelimit/redis-client';
import { redisSettingsFromEnv } from '../../functions/gateway/ratelimit/redis-settings';
import { RedisTokenBucket } from '../../functions/gateway/ratelimit/redis-token-bucket';

const main = async (): Promise<void> => {
  // The AUTH token is a secret, not a connection setting: the gateway hands it over the same way.
  const settings = redisSettingsFromEnv(process.env, process.env.REDIS_PASSWORD);
  if (!settings) throw new Error('REDIS_URL or REDIS_HOST must be set');
  const client = createRedisClient(settings);
  client.on('error', () => undefined);
  try {
    const decision = await new RedisTokenBucket(client, {
      replyTimeoutMs: settings.commandTimeoutMs,
      readyWaitMs: 1000,
    }).take(`rl:tls:{${process.pid}}`, {
      capacity: 10,
      refillPerSecond: 1,
      cost: 1,
    });
    console.log(JSON.stringify({ decision }));
  } catch (error) {
    const failure = error instanceof RateLimiterError ? error.failure : 'crash';
    console.log(JSON.stringify({ failure }));
  } finally {
    client.disconnect();
  }
};

// Exit as soon as the answer is out: a client that never connected can leave a reconnect timer
// behind for a second or two, which would only slow the tests down.
void main().finally(() => process.exit());
