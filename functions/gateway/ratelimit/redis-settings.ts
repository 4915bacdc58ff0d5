import {
  flag,
  optionalSetting,
  parseEnvironment,
  setting,
  text,
  url,
  wholeNumber,
} from '../config/env-schema';
import { type Environment, EnvName } from '../config/environment-names';

/** How often, at most, a refused Redis AUTH token is read again from its secret. */
export const DEFAULT_AUTH_REFRESH_INTERVAL_MS = 10_000;

export interface RedisSettings {
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  readonly username?: string;
  /** ElastiCache in-transit encryption. */
  readonly tls: boolean;
  /** Cluster mode enabled: connect through ioredis `Cluster`. */
  readonly cluster: boolean;
  /** Per command; tens of milliseconds, so a slow Redis costs little. @default 50 */
  readonly commandTimeoutMs: number;
  /** @default 1000 */
  readonly connectTimeoutMs: number;
  /** At most one re-read of a refused AUTH token per interval and container. @default 10000 */
  readonly authRefreshIntervalMs?: number;
}

const milliseconds = (name: string, max: number) =>
  wholeNumber(name, { min: 1, max, unit: 'milliseconds' });

const redisEnvironment = {
  [EnvName.REDIS_URL]: optionalSetting(url(EnvName.REDIS_URL, ['redis:', 'rediss:'])),
  [EnvName.REDIS_HOST]: optionalSetting(text()),
  [EnvName.REDIS_PORT]: setting(wholeNumber(EnvName.REDIS_PORT, { min: 1, max: 65_535 }), 6379),
  [EnvName.REDIS_TLS]: setting(flag(EnvName.REDIS_TLS), false),
  [EnvName.REDIS_CLUSTER]: setting(flag(EnvName.REDIS_CLUSTER), false),
  [EnvName.REDIS_COMMAND_TIMEOUT_MS]: setting(
    milliseconds(EnvName.REDIS_COMMAND_TIMEOUT_MS, 60_000),
    50,
  ),
  [EnvName.REDIS_CONNECT_TIMEOUT_MS]: setting(
    milliseconds(EnvName.REDIS_CONNECT_TIMEOUT_MS, 60_000),
    1000,
  ),
  [EnvName.REDIS_AUTH_REFRESH_INTERVAL_MS]: setting(
    milliseconds(EnvName.REDIS_AUTH_REFRESH_INTERVAL_MS, 3_600_000),
    DEFAULT_AUTH_REFRESH_INTERVAL_MS,
  ),
};

/**
 * Redis connection settings from `REDIS_URL` (`redis://` or `rediss://` for TLS, with an optional
 * password) or from `REDIS_HOST`, `REDIS_PORT`, `REDIS_TLS`; plus `REDIS_CLUSTER`,
 * `REDIS_COMMAND_TIMEOUT_MS`, `REDIS_CONNECT_TIMEOUT_MS`, `REDIS_AUTH_REFRESH_INTERVAL_MS`.
 * The AUTH token is a secret (`loadGatewaySecrets`: `REDIS_PASSWORD` or `REDIS_AUTH_SECRET_ARN`),
 * used when the URL carries no password. Undefined when neither URL nor host is set.
 */
export const redisSettingsFromEnv = (
  env: Environment = process.env,
  authToken?: string,
): RedisSettings | undefined => {
  const settings = parseEnvironment(redisEnvironment, env);
  const common = {
    cluster: settings.REDIS_CLUSTER,
    commandTimeoutMs: settings.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: settings.REDIS_CONNECT_TIMEOUT_MS,
    authRefreshIntervalMs: settings.REDIS_AUTH_REFRESH_INTERVAL_MS,
  };
  const redisUrl = settings.REDIS_URL;
  if (redisUrl) {
    const password = redisUrl.password ? decodeURIComponent(redisUrl.password) : authToken;
    return {
      ...common,
      host: redisUrl.hostname,
      port: redisUrl.port ? Number(redisUrl.port) : 6379,
      tls: redisUrl.protocol === 'rediss:',
      ...(password ? { password } : {}),
      ...(redisUrl.username ? { username: decodeURIComponent(redisUrl.username) } : {}),
    };
  }
  if (!settings.REDIS_HOST) return undefined;
  return {
    ...common,
    host: settings.REDIS_HOST,
    port: settings.REDIS_PORT,
    tls: settings.REDIS_TLS,
    ...(authToken ? { password: authToken } : {}),
  };
};
