import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DelayingProxy, startDelayingProxy } from '../helpers/delaying-proxy';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { SHARED_REDIS } from '../helpers/redis-process';

/**
 * A slow Redis under the gateway as `npm start` runs it (environment -> wireGatewayFromEnv ->
 * local server, real HTTP): the real Redis behind a TCP proxy that holds every reply.
 */

const TIMEOUT_MS = 100;
const BOUND_MS = 10 * TIMEOUT_MS;
const RECOVERY_MS = 12_000;

const suffix = randomUUID().slice(0, 8);
const OPEN = `slow-open-${suffix}`;
const CLOSED = `slow-closed-${suffix}`;
const routeTable = `
routes:
  - { id: ${OPEN}, path: /open, methods: [GET], upstream: "\${UP}", auth_required: false, rate_limit: { capacity: 100, refill_per_second: 10, scope: ip, on_error: fail_open } }
  - { id: ${CLOSED}, path: /closed, methods: [GET], upstream: "\${UP}", auth_required: false, rate_limit: { capacity: 100, refill_per_second: 0.01, scope: ip, on_error: fail_closed } }
`;

let proxy: DelayingProxy;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;

const gateway = useGatewayServer(async (own) => {
  proxy = own(await startDelayingProxy(SHARED_REDIS));
  upstream = own(await startRecordingUpstream());
  return {
    routeTable,
    env: {
      UP: upstream.url,
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_COMMAND_TIMEOUT_MS: String(TIMEOUT_MS),
    },
  };
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
