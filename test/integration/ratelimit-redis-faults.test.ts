import { setTimeout as sleep } from 'node:timers/promises';
import { type RawResponse, send } from '../helpers/http-request';
import { failOpenAndClosedRoutes, useLimitedGateway } from '../helpers/limited-routes';
import { RedisProcess } from '../helpers/redis-process';

/**
 * Redis paused (SIGSTOP) and stopped under the gateway as `npm start` runs it: environment ->
 * wireGatewayFromEnv -> local server, real HTTP, a private redis-server. The circuit breaker has
 * its production settings (3 failures, open 5 s), so recovery takes a few seconds.
 */

const TIMEOUT_MS = 100;
/** A generous bound for one request while Redis does not answer: 10x the configured timeout. */
const BOUND_MS = 10 * TIMEOUT_MS;
/** The breaker's open period (5 s) plus reconnection backoff and the machine's noise. */
const RECOVERY_MS = 12_000;

const { open: OPEN, closed: CLOSED, routeTable } = failOpenAndClosedRoutes('');

const redis = new RedisProcess();
const { gateway } = useLimitedGateway({
  routeTable,
  redisUrl: async (own) => {
    await own(redis).start();
    // Registered after the server, so thawed before it is stopped: a paused server does not stop.
    own({ close: () => redis.thaw() });
    return `redis://127.0.0.1:${redis.port}`;
  },
  commandTimeoutMs: TIMEOUT_MS,
});
const { output } = gateway;

const timed = (path: string) => gateway.timed(path);
const { logLines, emfWith } = output;

/** Calls `path` until it answers 200 with RateLimit headers (Redis decided again), or gives up. */
const untilLimitedAgain = (path: string): Promise<RawResponse> =>
  gateway.poll(
    path,
    (response) => response.status === 200 && response.headers['ratelimit-limit'] !== undefined,
    RECOVERY_MS,
  );

/** The promised behaviour while Redis cannot decide, for the failure reason it shows. */
const expectFailingOpenAndClosed = async (reason: string): Promise<void> => {
  const open = await timed('/open');
  const closed = await timed('/closed');

  expect(open.status).toBe(200);
  expect(open.headers['ratelimit-limit']).toBeUndefined();
  expect(open.ms).toBeLessThan(BOUND_MS);
  expect(closed.status).toBe(503);
  expect(closed.json()).toEqual({
    error: 'unavailable',
    message: 'The service is temporarily unavailable',
    correlation_id: expect.any(String),
    timestamp: expect.any(String),
  });
  expect(closed.ms).toBeLessThan(BOUND_MS);
  expect(logLines('rate limiter failed; request let through (fail_open)')).toEqual([
    expect.objectContaining({ level: 'WARN', reason }),
  ]);
  expect(logLines('request failed')).toEqual([
    expect.objectContaining({ level: 'ERROR', reason, error_code: 'unavailable' }),
  ]);
  expect(logLines('request').map((line) => [line.route, line.status, line.rate_limit])).toEqual([
    [OPEN, 200, 'fail_open'],
    [CLOSED, 503, 'fail_closed'],
  ]);
  expect(emfWith('RateLimitFailOpen')).toEqual([
    expect.objectContaining({ route: OPEN, RateLimitFailOpen: 1 }),
  ]);
  expect(emfWith('DependencyErrors')).toEqual([
    expect.objectContaining({ dependency: 'redis', DependencyErrors: 1 }),
    expect.objectContaining({ dependency: 'redis', DependencyErrors: 1 }),
  ]);
};

describe('Integration: npm start with its Redis paused (SIGSTOP)', () => {
  it('limits normally while Redis answers, and is ready', async () => {
    const response = await send(gateway.server.url, { path: '/closed' });
    const ready = await send(gateway.server.url, { path: '/health/ready' });

    expect(response.status).toBe(200);
    expect(response.headers['ratelimit-remaining']).toBe('99');
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ checks: { redis: { status: 'up' } } });
  });

  it('fails open or closed per route within the bound, logged and counted as redis_timeout', async () => {
    redis.freeze();

    await expectFailingOpenAndClosed('redis_timeout');
  });

  it('opens the circuit at the third failure, then refuses at once without waiting on Redis', async () => {
    const third = await timed('/open');
    const refused = await timed('/closed');

    expect(third.status).toBe(200);
    expect(logLines('rate limiter circuit open')).toEqual([
      expect.objectContaining({ level: 'WARN', dependency: 'redis' }),
    ]);
    expect(refused.status).toBe(503);
    expect(refused.ms).toBeLessThan(BOUND_MS);
    expect(logLines('request failed')).toEqual([
      expect.objectContaining({ reason: 'redis_circuit_open' }),
    ]);
  });

  it('reports readiness down with reason timeout, within the readiness deadline', async () => {
    const ready = await timed('/health/ready');

    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'unavailable',
      checks: { redis: { status: 'down', reason: 'timeout' } },
    });
    // The readiness deadline is 1 s.
    expect(ready.ms).toBeLessThan(3_000);
  });

  it('limits again after SIGCONT, without a restart', async () => {
    redis.thaw();

    const response = await untilLimitedAgain('/closed');
    const ready = await send(gateway.server.url, { path: '/health/ready' });

    expect(response.status).toBe(200);
    expect(response.headers['ratelimit-limit']).toBe('100');
    expect(logLines('rate limiter circuit closed')).toHaveLength(1);
    expect(ready.status).toBe(200);
  }, 20_000);
});

describe('Integration: npm start with its Redis stopped', () => {
  it('fails open or closed per route within the bound, logged and counted as redis_unavailable', async () => {
    await redis.stop();
    // ioredis notices the closed connection on its own; give it the moment it needs.
    await sleep(100);

    await expectFailingOpenAndClosed('redis_unavailable');
  });

  it('reports readiness down with reason refused', async () => {
    const ready = await timed('/health/ready');

    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({
      checks: { redis: { status: 'down', reason: 'refused' } },
    });
    expect(ready.ms).toBeLessThan(3_000);
  });

  it('opens the circuit, then limits again once Redis is back, without a restart', async () => {
    await timed('/open'); // the third failure in a row
    expect(logLines('rate limiter circuit open')).toHaveLength(1);

    await redis.start(redis.port);
    const response = await untilLimitedAgain('/closed');
    const ready = await send(gateway.server.url, { path: '/health/ready' });

    expect(response.status).toBe(200);
    // A new server, empty: the bucket starts full again.
    expect(response.headers['ratelimit-limit']).toBe('100');
    expect(ready.status).toBe(200);
  }, 20_000);
});
