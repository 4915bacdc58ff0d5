import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalServer, startLocalServer } from '../../dev/local-server';
import type * as RateLimitWiringModule from '../../functions/gateway/ratelimit/rate-limit-wiring';
import type { RedisClient } from '../../functions/gateway/ratelimit/redis-client';

const RATE_LIMIT_WIRING = '../../functions/gateway/ratelimit/rate-limit-wiring';

/**
 * The gateway as `npm start` runs it: the route table written to a file named by `GATEWAY_CONFIG`,
 * the given environment, `wireGatewayFromEnv` (the wiring Lambda's handler uses) and the local
 * HTTP server. Call once per test file: the wiring uses the process's one logger and metrics.
 * The Redis client the wiring builds is closed by `close` (an open one keeps jest running).
 */
export const startEnvGateway = async (
  routeTable: string,
  env: Readonly<Record<string, string>>,
  /** 0 picks a free port; a fixed one when another party must know the URL first (a provider). */
  port = 0,
): Promise<{ server: LocalServer; close: () => Promise<void> }> => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
  const configPath = join(dir, 'gateway.yml');
  writeFileSync(configPath, routeTable);
  const redisClients: RedisClient[] = [];
  // The real wiring, only watched: its Redis client is otherwise out of the test's reach.
  jest.doMock(RATE_LIMIT_WIRING, () => {
    const actual = jest.requireActual<typeof RateLimitWiringModule>(RATE_LIMIT_WIRING);
    return {
      ...actual,
      wireRateLimiter: (...args: Parameters<typeof actual.wireRateLimiter>) => {
        const wiring = actual.wireRateLimiter(...args);
        if (wiring.client) redisClients.push(wiring.client);
        return wiring;
      },
    };
  });
  const previous = { ...process.env };
  Object.assign(process.env, env, { GATEWAY_CONFIG: configPath });
  try {
    // Imported here, after the environment is set, as dev/start.ts does.
    const { wireGatewayFromEnv } = await import('../../functions/gateway/wiring');
    const server = await startLocalServer(await wireGatewayFromEnv(), port);
    return {
      server,
      close: async () => {
        await server.close();
        for (const client of redisClients) client.disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } finally {
    process.env = previous;
  }
};
