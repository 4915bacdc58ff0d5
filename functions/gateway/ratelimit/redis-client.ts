import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from './redis-settings';

export type RedisClient = Redis | Cluster;

/**
 * One client per container, connecting at init. Fail fast rather than queue: no offline queue
 * (a command queued while Redis is away would run later and take tokens nobody asked for), a short
 * command timeout, no per-request retries; reconnection happens in the background with backoff.
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
    commandTimeout: settings.commandTimeoutMs,
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

/**
 * Resolves when the client can take commands. A client still making its first connection
 * (cold start) is waited for, at most `waitMs`; one that lost Redis fails at once.
 */
export const whenReady = async (client: RedisClient, waitMs: number): Promise<void> => {
  if (client.status === 'ready') return;
  if (client.status !== 'connecting' && client.status !== 'connect' && client.status !== 'wait') {
    throw new Error(`Redis connection is ${client.status}`);
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error('Redis connection not ready: timed out'));
    }, waitMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
};
