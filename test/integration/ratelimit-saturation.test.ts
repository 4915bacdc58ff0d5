import { randomUUID } from 'node:crypto';
import {
  type RateLimitWiring,
  wireRateLimiter,
} from '../../functions/gateway/ratelimit/rate-limit-wiring';
import type {
  BucketSpec,
  RateDecision,
  RateLimiter,
} from '../../functions/gateway/ratelimit/rate-limiter';
import type { RedisSettings } from '../../functions/gateway/ratelimit/redis-settings';
import { captureOutput } from '../helpers/capture-output';
import { functionUrlEvent } from '../helpers/function-url-event';
import { productionLogger } from '../helpers/gateway-server';
import { SHARED_REDIS } from '../helpers/redis-process';
import { unusedTakeAll } from '../helpers/single-limit-only';
import { configFrom, jsonBody, testGateway } from '../helpers/test-gateway';

/**
 * Defect 6a of issue 11: on a saturated event loop the Redis timeout fired although Redis had
 * answered, the breaker opened and `fail_open` let a flood through. These tests block the loop
 * (as a gateway busy with 200 connections does) while the real Redis answers at once.
 */

const TIMEOUT_MS = 50;
const BLOCK_MS = 300;
const settings: RedisSettings = {
  ...SHARED_REDIS,
  tls: false,
  cluster: false,
  commandTimeoutMs: TIMEOUT_MS,
  connectTimeoutMs: 2000,
};
const spec: BucketSpec = { capacity: 100, refillPerSecond: 10, cost: 1 };

/** Holds the thread: nothing else in this process runs meanwhile, timers and sockets included. */
const busyWait = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spinning on purpose
  }
};

/**
 * Sends the takes from the check phase, then blocks the loop well past the timeout: every timer
 * armed with the commands is due before the next poll phase reads the replies waiting in the socket.
 */
const takesOnABlockedLoop = (
  limiter: RateLimiter,
  keys: readonly string[],
): Promise<PromiseSettledResult<RateDecision>[]> =>
  new Promise((resolve) => {
    setImmediate(() => {
      const pending = keys.map((key) => limiter.take(key, spec));
      busyWait(BLOCK_MS);
      resolve(Promise.allSettled(pending));
    });
  });

let output: ReturnType<typeof captureOutput>;
let wiring: RateLimitWiring;
const prefix = `rl:test:sat-${randomUUID()}`;

// A fresh limiter (and circuit) per test, so one test's failures cannot open another's circuit.
beforeEach(async () => {
  output = captureOutput();
  wiring = wireRateLimiter(settings, productionLogger());
  // Connected and the script loaded: what follows measures replies, not the first connection.
  await wiring.limiter.take(`${prefix}:warm:${randomUUID()}`, spec);
});
afterEach(() => {
  output.restore();
  // disconnect, not quit: after a failed warm-up the client may not be connected, and quit() then
  // throws and leaves it open (jest never exits).
  wiring.client?.disconnect();
});

describe('Integration: the Redis limiter on a blocked event loop', () => {
  it('decides every take Redis answered while the loop was blocked, and the circuit stays closed', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `${prefix}:{${i}}`);

    const results = await takesOnABlockedLoop(wiring.limiter, keys);
    const after = await wiring.limiter.take(`${prefix}:{after}`, spec);

    expect(results.map((result) => result.status)).toEqual(keys.map(() => 'fulfilled'));
    expect(results.every((result) => result.status === 'fulfilled' && result.value.allowed)).toBe(
      true,
    );
    // Three failures in a row would have opened the circuit; this take went to Redis.
    expect(after).toMatchObject({ allowed: true, remaining: spec.capacity - 1 });
    expect(output.text()).not.toContain('rate limiter circuit open');
  });

  it('lets a busy gateway keep limiting instead of failing open', async () => {
    // prepare: a fail_open route; the loop is blocked once the 20th request's take has been sent
    const config = configFrom(
      'routes:\n  - { id: busy, path: /busy, methods: [GET], upstream: "http://svc", auth_required: false, rate_limit: { capacity: 100, refill_per_second: 10, scope: ip, on_error: fail_open } }\n',
    );
    let sent = 0;
    const blockingLimiter: RateLimiter = {
      dependency: 'redis',
      takeAll: unusedTakeAll,
      take: (key, bucket) => {
        const pending = wiring.limiter.take(`${prefix}:${key}`, bucket);
        sent += 1;
        if (sent === 20) busyWait(BLOCK_MS);
        return pending;
      },
    };
    const gateway = testGateway({ config, rateLimiter: blockingLimiter });
    const sourceIp = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

    // act
    const results = await Promise.all(
      Array.from({ length: 20 }, () => gateway(functionUrlEvent({ path: '/busy', sourceIp }))),
    );

    // assess: every request decided by the bucket (remaining 99 down to 80), none let through blind
    expect(results.map((result) => result.statusCode)).toEqual(results.map(() => 200));
    const remaining = results.map((result) => Number(result.headers['ratelimit-remaining']));
    expect(remaining.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => spec.capacity - 20 + i),
    );
    expect(output.text()).not.toContain('request let through (fail_open)');
    expect(output.json().some((line) => line.RateLimitFailOpen !== undefined)).toBe(false);
    expect(results.every((result) => jsonBody(result).ok === true)).toBe(true);
  });
});
