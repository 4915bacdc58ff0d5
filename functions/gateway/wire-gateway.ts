import { wireLogin } from './auth/login-wiring';
import { EnvName } from './config/environment-names';
import type { GatewayConfig } from './config/schema';
import { createGateway, type GatewayHandler } from './create-gateway';
import type { ReadinessCheck } from './health/readiness';
import { clientAddressFromEnv } from './http/client-address';
import { emfMetrics } from './observability/emf-metrics';
import { fanOutMetrics, type GatewayMetrics } from './observability/gateway-metrics';
import { logger } from './observability/logger';
import { metrics } from './observability/metrics';
import { rootCause } from './observability/root-cause';
import { type Tracing, tracingFromEnv } from './observability/tracing';
import { fetchUpstream } from './proxy/fetch-upstream';
import { wireRateLimiter } from './ratelimit/rate-limit-wiring';
import { redisSettingsFromEnv } from './ratelimit/redis-settings';
import { type GatewaySecrets, loadGatewaySecrets } from './secrets/gateway-secrets';
import { sessionSettingsFromEnv } from './sessions/session-settings';
import { wireSessions } from './sessions/session-wiring';

/**
 * Without a secret every protected route answers 401, so the gateway is not ready to serve them;
 * `/health/ready` says so instead of reporting ready.
 */
const missingSessionSecret: ReadinessCheck = {
  name: 'session_secret',
  check: async () => {
    throw Object.assign(
      new Error('SESSION_SECRET is not set: every route with auth_required answers 401'),
      { reason: 'not_configured', code: 'SESSION_SECRET_MISSING' },
    );
  },
};

export interface WireOptions {
  /** Another place for the measurements, next to CloudWatch EMF (the local server's Prometheus). */
  readonly extraMetrics?: GatewayMetrics;
  /** @default what `GATEWAY_TRACING` asks for */
  readonly tracing?: Tracing;
  /** @default `loadGatewaySecrets()`: from the environment, or Secrets Manager for each `*_ARN` */
  readonly secrets?: GatewaySecrets;
}

/** The secrets from the environment and Secrets Manager; a failed re-read is logged, never thrown. */
export const gatewaySecretsFromEnv = (): Promise<GatewaySecrets> =>
  loadGatewaySecrets(process.env, {
    onRefreshError: (error, secretId) =>
      logger.error('a secret could not be read again: keeping the last value read', {
        // Not `secret`: the redaction hides fields so named.
        source: `Secrets Manager secret ${secretId}`,
        ...rootCause(error),
        error: error instanceof Error ? error.message : String(error),
      }),
  });

/** `GATEWAY_INVOKE_MODE=RESPONSE_STREAM` (set by the stack for a streaming Function URL). */
export const streamingFromEnv = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean => env[EnvName.GATEWAY_INVOKE_MODE] === 'RESPONSE_STREAM';

/**
 * The gateway wired from a checked route table and the environment: DynamoDB sessions, the Redis (or in-memory)
 * limiter, the fetch upstream, logger and metrics, and response streaming when the Function URL
 * streams (`GATEWAY_INVOKE_MODE`; the runtime's `awslambda` global must exist by then). Lambda (`handler.ts`) and `npm start` both use
 * it (through `wireGatewayFromEnv` for the YAML file), so the local server runs exactly what Lambda
 * runs; Lambda's table comes compiled (`config/load-route-table.ts`), so this module imports no
 * config parser. `GATEWAY_TRACING=active` traces with X-Ray (only on Lambda: the tracer turns
 * itself off elsewhere). The secrets are read here (`loadGatewaySecrets`) and handed to the parts
 * that use them, never put in the environment; the session keys are read again, before a request,
 * once they are older than `SECRETS_MAX_AGE_SECONDS`. Call once per process.
 */
export const wireGateway = async (
  config: GatewayConfig,
  options: WireOptions = {},
): Promise<GatewayHandler> => {
  const [tracing, secrets] = await Promise.all([
    options.tracing ?? tracingFromEnv(),
    options.secrets ?? gatewaySecretsFromEnv(),
  ]);
  const sessionSettings = secrets.sessionKeys ? sessionSettingsFromEnv() : undefined;
  const sessions =
    sessionSettings && secrets.sessionKeys
      ? wireSessions(
          sessionSettings,
          secrets.sessionKeys,
          {
            ttlMs: config.sessions.cache_ttl_seconds * 1000,
            maxEntries: config.sessions.cache_max_entries,
          },
          tracing,
        )
      : undefined;
  const needsSessions = config.routes.some((route) => route.auth_required);
  if (!sessions && needsSessions) {
    logger.warn('SESSION_SECRET is not set: every route with auth_required answers 401');
  }

  const login = wireLogin(config, sessions, sessionSettings, logger, {
    ...(secrets.oidcClientSecret ? { clientSecret: secrets.oidcClientSecret } : {}),
    ...(secrets.oidcTokenKey ? { tokenKey: secrets.oidcTokenKey } : {}),
  });

  const rateLimits = wireRateLimiter(
    redisSettingsFromEnv(process.env, secrets.redisAuthToken),
    logger,
    {},
    {
      tracing,
      ...(secrets.redisAuthTokenSource ? { authToken: secrets.redisAuthTokenSource } : {}),
    },
  );
  const hasRateLimits =
    config.default_rate_limit !== undefined || config.routes.some((route) => route.rate_limit);
  if (rateLimits.store === 'memory' && hasRateLimits) {
    logger.warn('REDIS_URL / REDIS_HOST is not set: rate limits are kept in memory, per container');
  }

  const emf = emfMetrics(metrics);
  return createGateway({
    config,
    upstream: fetchUpstream(),
    logger,
    metrics,
    gatewayMetrics: options.extraMetrics ? fanOutMetrics(emf, options.extraMetrics) : emf,
    ...(sessions ? { sessions } : {}),
    ...(login ? { login } : {}),
    rateLimiter: rateLimits.limiter,
    clientAddress: clientAddressFromEnv(),
    streaming: streamingFromEnv(),
    tracing,
    refreshSecrets: secrets.refresh,
    readinessChecks: [
      sessions?.readinessCheck ?? (needsSessions ? missingSessionSecret : undefined),
      rateLimits.readinessCheck,
    ].filter((check) => check !== undefined),
  });
};
