type Env = Readonly<Record<string, string | undefined>>;

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
  /**
   * The Secrets Manager secret holding the AUTH token (`REDIS_AUTH_SECRET_ARN`): read again when
   * Redis rejects the token, so a rotation needs no restart.
   */
  readonly authTokenSecretId?: string;
  /** At most one such re-read per interval and container. @default 10000 */
  readonly authRefreshIntervalMs?: number;
}

const flag = (value: string | undefined): boolean => value === 'true' || value === '1';

const positive = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new Error(`${name} must be a positive number, got "${value}"`);
  return number;
};

const portNumber = (value: string | undefined): number => {
  if (value === undefined || value === '') return 6379;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`REDIS_PORT must be a port number (1-65535), got "${value}"`);
  }
  return port;
};

/**
 * Redis connection settings from `REDIS_URL` (`redis://` or `rediss://` for TLS, with an optional
 * password) or from `REDIS_HOST`, `REDIS_PORT`, `REDIS_PASSWORD`, `REDIS_TLS`; plus `REDIS_CLUSTER`,
 * `REDIS_COMMAND_TIMEOUT_MS`, `REDIS_CONNECT_TIMEOUT_MS`, `REDIS_AUTH_SECRET_ARN`,
 * `REDIS_AUTH_REFRESH_INTERVAL_MS`. Undefined when neither URL nor host is set.
 */
export const redisSettingsFromEnv = (env: Env = process.env): RedisSettings | undefined => {
  const common = {
    cluster: flag(env.REDIS_CLUSTER),
    commandTimeoutMs: positive('REDIS_COMMAND_TIMEOUT_MS', env.REDIS_COMMAND_TIMEOUT_MS, 50),
    connectTimeoutMs: positive('REDIS_CONNECT_TIMEOUT_MS', env.REDIS_CONNECT_TIMEOUT_MS, 1000),
    authRefreshIntervalMs: positive(
      'REDIS_AUTH_REFRESH_INTERVAL_MS',
      env.REDIS_AUTH_REFRESH_INTERVAL_MS,
      DEFAULT_AUTH_REFRESH_INTERVAL_MS,
    ),
    ...(env.REDIS_AUTH_SECRET_ARN ? { authTokenSecretId: env.REDIS_AUTH_SECRET_ARN } : {}),
  };
  if (env.REDIS_URL) {
    const url = new URL(env.REDIS_URL);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new Error('REDIS_URL must start with redis:// or rediss://');
    }
    const password = url.password ? decodeURIComponent(url.password) : env.REDIS_PASSWORD;
    return {
      ...common,
      host: url.hostname,
      port: url.port ? Number(url.port) : 6379,
      tls: url.protocol === 'rediss:',
      ...(password ? { password } : {}),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    };
  }
  if (!env.REDIS_HOST) return undefined;
  return {
    ...common,
    host: env.REDIS_HOST,
    port: portNumber(env.REDIS_PORT),
    tls: flag(env.REDIS_TLS),
    ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
  };
};
