import { setTimeout as sleep } from 'node:timers/promises';
import { type DelayingProxy, startDelayingProxy } from '../helpers/delaying-proxy';
import { send } from '../helpers/http-request';
import { failOpenAndClosedRoutes, useLimitedGateway } from '../helpers/limited-routes';
import { SHARED_REDIS } from '../helpers/redis-process';

/**
 * A slow Redis under the gateway as `npm start` runs it (environment -> wireGatewayFromEnv ->
 * local server, real HTTP): the real Redis behind a TCP proxy that holds every reply.
 */

const TIMEOUT_MS = 100;
const BOUND_MS = 10 * TIMEOUT_MS;
const RECOVERY_MS = 12_000;

// The closed route hardly refills: a request it lets through shows in its remaining tokens.
const { open: OPEN, routeTable } = failOpenAndClosedRoutes('slow-', 0.01);

let proxy: DelayingProxy;
const { gateway } = useLimitedGateway({
  routeTable,
  redisUrl: async (own) => {
    proxy = own(await startDelayingProxy(SHARED_REDIS));
    return `redis://127.0.0.1:${proxy.port}`;
  },
  commandTimeoutMs: TIMEOUT_MS,
});
const { output } = gateway;

const timed = (path: string) => gateway.timed(path);
const { logLines, emfWith } = output;

describe('Integration: npm start with a slow Redis', () => {
  it('limits normally while Redis answers within the timeout', async () => {
    proxy.delayMs = 20;

    const first = await send(gateway.server.url, { path: '/closed' });
    const second = await send(gateway.server.url, { path: '/closed' });

    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.headers['ratelimit-remaining'], second.headers['ratelimit-remaining']]).toEqual([
      '99',
      '98',
    ]);
  });

  it('fails open or closed per route past the timeout, within the bound, as redis_timeout', async () => {
    proxy.delayMs = 600;

    const open = await timed('/open');
    const closed = await timed('/closed');

    expect(open.status).toBe(200);
    expect(open.headers['ratelimit-limit']).toBeUndefined();
    expect(open.ms).toBeLessThan(BOUND_MS);
    expect(closed.status).toBe(503);
    expect(closed.json()).toMatchObject({ error: 'unavailable' });
    expect(closed.ms).toBeLessThan(BOUND_MS);
    expect(logLines('rate limiter failed; request let through (fail_open)')).toEqual([
      expect.objectContaining({ reason: 'redis_timeout' }),
    ]);
    expect(logLines('request failed')).toEqual([
      expect.objectContaining({ reason: 'redis_timeout' }),
    ]);
    expect(emfWith('RateLimitFailOpen')).toEqual([
      expect.objectContaining({ route: OPEN, RateLimitFailOpen: 1 }),
    ]);
    expect(emfWith('DependencyErrors')).toEqual([
      expect.objectContaining({ dependency: 'redis' }),
      expect.objectContaining({ dependency: 'redis' }),
    ]);
  });

  it('opens the circuit at the third slow answer', async () => {
    await timed('/open');
    const refused = await timed('/closed');

    expect(logLines('rate limiter circuit open')).toHaveLength(1);
    expect(refused.status).toBe(503);
    expect(logLines('request failed')).toEqual([
      expect.objectContaining({ reason: 'redis_circuit_open' }),
    ]);
  });

  it('limits again once Redis is fast again, without a restart', async () => {
    proxy.delayMs = 0;

    const deadline = performance.now() + RECOVERY_MS;
    let response = await send(gateway.server.url, { path: '/closed' });
    while (response.status !== 200 && performance.now() < deadline) {
      await sleep(200);
      response = await send(gateway.server.url, { path: '/closed' });
    }

    // The replies that came too late were matched to their own commands, not to later ones: the
    // bucket reads on from where those takes left it (100, less 2 allowed, 1 timed out but taken
    // in Redis, and this one; it refills 0.01 a second).
    expect(response.status).toBe(200);
    expect(response.headers['ratelimit-remaining']).toBe('96');
    expect(logLines('rate limiter circuit closed')).toHaveLength(1);
  }, 20_000);
});
