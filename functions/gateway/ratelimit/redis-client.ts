import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from './redis-settings';

export type RedisClient = Redis | Cluster;

/**
 * One client per container, connecting at init. Fail fast rather than queue: no offline queue
 * (a command queued while Redis is away would run later and take tokens nobody asked for), no
 * per-request retries; reconnection happens in the background with backoff. No ioredis
 * `commandTimeout`: its timer fires on a busy event loop although Redis has answered; the limiter
 * bounds each command itself (`replyWithin`), and readiness by its own deadline.
 * RESP2, so any ElastiCache engine version works and connecting costs no HELLO round trip.
 */
export const createRedisClient = (settings: RedisSettings): RedisClient => {
  const options: RedisOptions = {
    ...(settings.password ? { password: settings.password } : {}),
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.tls ? { tls: {} } : {}),
    protocol: 2,
    enableOfflineQueue: false,
    enableAutoPipelining: false,
    maxRetriesPerRequest: 0,
    connectTimeout: settings.connectTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    connectionName: 'gateway',
  };
  if (settings.cluster) {
    return new Cluster([{ host: settings.host, port: settings.port }], {
      enableOfflineQueue: false,
      enableAutoPipelining: false,
      // ElastiCache's TLS certificates name the configuration endpoint, not the node IPs.
      dnsLookup: (address, callback) => callback(null, address),
      slotsRefreshTimeout: settings.connectTimeoutMs,
      redisOptions: options,
    });
  }
  return new Redis({ ...options, host: settings.host, port: settings.port });
};

/** The client has no connection to send on: still connecting (`timeout`) or lost (`unavailable`). */
export class RedisNotReadyError extends Error {
  readonly reason: 'timeout' | 'unavailable';

  constructor(reason: 'timeout' | 'unavailable', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisNotReadyError';
    this.reason = reason;
  }
}

const CONNECTING = new Set(['connecting', 'connect', 'wait']);

/**
 * Resolves when the client can take commands. A connection attempt under way (cold start, or a
 * reconnection) is waited for, at most `waitMs`, and fails as soon as the attempt does (refused,
 * reset); a client between attempts, or closed, fails at once.
 */
export const whenReady = (client: RedisClient, waitMs: number): Promise<void> => {
  if (client.status === 'ready') return Promise.resolve();
  if (!CONNECTING.has(client.status)) {
    return Promise.reject(
      new RedisNotReadyError('unavailable', `Redis connection is ${client.status}`),
    );
  }
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => settle();
    const onClose = (): void =>
      settle(new RedisNotReadyError('unavailable', 'Redis connection attempt failed'));
    const timer = setTimeout(
      () =>
        settle(new RedisNotReadyError('timeout', `Redis connection not ready within ${waitMs} ms`)),
      waitMs,
    );
    client.once('ready', onReady);
    client.once('close', onClose);
  });
};

/**
 * Redis refused the credentials: `WRONGPASS` (Redis 6+, Valkey, ElastiCache), `NOAUTH` (a
 * connection that never authenticated), `ERR invalid password` (Redis before 6).
 */
export const isRedisAuthError = (error: unknown): boolean =>
  error instanceof Error &&
  /^(WRONGPASS|NOAUTH)\b|invalid (username-password pair|password)/i.test(error.message);

/**
 * The password the client sends on its next (re)connection. ioredis reads `options.password` each
 * time it connects, and a connection refused by AUTH is closed and retried with backoff, so the
 * client picks the new token up without being rebuilt. A Cluster keeps one client per node, plus
 * the options it gives nodes it discovers later: all of them get it.
 */
export const setRedisPassword = (client: RedisClient, password: string): void => {
  if (client instanceof Cluster) {
    if (client.options.redisOptions) client.options.redisOptions.password = password;
    // ioredis 6 gives its (private) connection pool a copy of `redisOptions` at construction and
    // builds every node client from that copy: without this, a node rebuilt after the rotation
    // would connect with the old token. Checked against ioredis 6.0.0 by
    // ratelimit-auth-rotation-cluster.test.ts, which fails without it.
    const pool = (
      client as unknown as { connectionPool?: { redisOptions?: { password?: string } } }
    ).connectionPool;
    if (pool?.redisOptions) pool.redisOptions.password = password;
    for (const node of client.nodes('all')) node.options.password = password;
    return;
  }
  client.options.password = password;
};

/** The password the client sends now (to tell a new token from the one Redis just refused). */
export const redisPassword = (client: RedisClient): string | undefined =>
  client instanceof Cluster ? client.options.redisOptions?.password : client.options.password;
