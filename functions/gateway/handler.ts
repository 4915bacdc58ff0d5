import { loadConfig } from './config/load-config';
import { createGateway } from './create-gateway';
import { logger } from './observability/logger';
import { metrics } from './observability/metrics';
import { fetchUpstream } from './proxy/fetch-upstream';
import { wireRateLimiter } from './ratelimit/rate-limit-wiring';
import { redisSettingsFromEnv } from './ratelimit/redis-settings';
import { sessionSettingsFromEnv } from './sessions/session-settings';
import { wireSessions } from './sessions/session-wiring';

/**
 * The Lambda entry point. Everything here runs once per container (cold start): a bad route table
 * fails the init with a message naming the route and field, instead of failing every request.
 */
const config = loadConfig();
const sessionSettings = sessionSettingsFromEnv();
const sessions = sessionSettings
  ? wireSessions(sessionSettings, {
      ttlMs: config.sessions.cache_ttl_seconds * 1000,
      maxEntries: config.sessions.cache_max_entries,
    })
  : undefined;
if (!sessions && config.routes.some((route) => route.auth_required)) {
  logger.warn('SESSION_SECRET is not set: every route with auth_required answers 401');
}

const rateLimits = wireRateLimiter(redisSettingsFromEnv(), logger);
const hasRateLimits =
  config.default_rate_limit !== undefined || config.routes.some((route) => route.rate_limit);
if (rateLimits.store === 'memory' && hasRateLimits) {
  logger.warn('REDIS_URL / REDIS_HOST is not set: rate limits are kept in memory, per container');
}

export const handler = createGateway({
  config,
  upstream: fetchUpstream(),
  logger,
  metrics,
  ...(sessions ? { sessions } : {}),
  rateLimiter: rateLimits.limiter,
  readinessChecks: [sessions?.readinessCheck, rateLimits.readinessCheck].filter(
    (check) => check !== undefined,
  ),
});
