import { randomUUID } from 'node:crypto';
import { fetchUpstream } from '../../functions/gateway/proxy/fetch-upstream';
import { wireRateLimiter } from '../../functions/gateway/ratelimit/rate-limit-wiring';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { captureOutput } from '../helpers/capture-output';
import { productionLogger, startGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { memorySessionStore } from '../helpers/memory-session-store';
import { RedisProcess, SHARED_REDIS } from '../helpers/redis-process';
import { configFrom } from '../helpers/test-gateway';

const SECRET = 'ratelimit-it-secret-0123456789abcdef-0123';
const signer = new SessionSigner([SECRET]);

/** A gateway on a limiter whose Redis the test chooses, with routes named uniquely per run. */
const startGateway = async (
  redisPort: number,
  breaker: { failureThreshold?: number; openMs?: number } = {},
) => {
  const upstream = await startRecordingUpstream();
  const suffix = randomUUID().slice(0, 8);
  const config = configFrom(
    `
routes:
  - { id: a-${suffix}, path: /a, methods: [GET], upstream: "\${UP}", rate_limit: { capacity: 3, refill_per_second: 0.01, scope: user } }
  - { id: b-${suffix}, path: /b, methods: [GET], upstream: "\${UP}", rate_limit: { capacity: 3, refill_per_second: 0.01, scope: user } }
  - { id: open-${suffix}, path: /open, methods: [GET], upstream: "\${UP}", auth_required: false, rate_limit: { capacity: 100, refill_per_second: 1, scope: ip, on_error: fail_open } }
  - { id: closed-${suffix}, path: /closed, methods: [GET], upstream: "\${UP}", auth_required: false, rate_limit: { capacity: 100, refill_per_second: 1, scope: ip, on_error: fail_closed } }
`,
    { UP: upstream.url },
  );
  const logger = productionLogger();
  const rateLimits = wireRateLimiter(
    {
      host: '127.0.0.1',
      port: redisPort,
      tls: false,
      cluster: false,
      commandTimeoutMs: 50,
      connectTimeoutMs: 200,
    },
    logger,
    breaker,
  );
  const store = memorySessionStore();
  const server = await startGatewayServer({
    parts: ({ own }) => ({
      config,
      upstream: own(fetchUpstream()),
      logger,
      sessions: { signer, store },
      rateLimiter: rateLimits.limiter,
      readinessChecks: rateLimits.readinessCheck ? [rateLimits.readinessCheck] : [],
    }),
  });
  server.own(upstream);
  if (rateLimits.client) server.own(rateLimits.client);
  const login = (userId: string): string => {
    const sessionId = SessionSigner.newSessionId();
    const now = Math.floor(Date.now() / 1000);
    store.records.set(sessionId, {
      sessionId,
      userId,
      roles: [],
      permissions: [],
      createdAt: now,
      expiresAt: now + 600,
      revoked: false,
    });
    return `session_token=${signer.sign(sessionId)}`;
  };
  return {
    server,
    upstream,
    rateLimits,
    login,
    close: server.close,
  };
};

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('Integration: rate limiting through the gateway on the real Redis', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    gateway = await startGateway(SHARED_REDIS.port);
  });
  afterAll(() => gateway.close());

  it('sends RateLimit headers, then 429 with Retry-After and the JSON contract', async () => {
    const cookie = gateway.login(`u-${randomUUID()}`);
    const call = () =>
      send(gateway.server.url, { path: '/a', headers: { cookie, 'x-correlation-id': 'rl-1' } });

    const first = await call();
    await call();
    await call();
    const refused = await call();

    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '2',
      'ratelimit-policy': '3;w=300',
      'ratelimit-reset': '100',
    });
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({ 'ratelimit-remaining': '0', 'retry-after': '100' });
    expect(refused.json()).toEqual({
      error: 'rate_limited',
      message: 'Too many requests; retry after the time in Retry-After',
      correlation_id: 'rl-1',
      timestamp: expect.any(String),
    });
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never shares a bucket between two routes or two users', async () => {
    const alice = gateway.login(`alice-${randomUUID()}`);
    const bob = gateway.login(`bob-${randomUUID()}`);
    for (let i = 0; i < 3; i += 1)
      await send(gateway.server.url, { path: '/a', headers: { cookie: alice } });

    const aliceA = await send(gateway.server.url, { path: '/a', headers: { cookie: alice } });
    const aliceB = await send(gateway.server.url, { path: '/b', headers: { cookie: alice } });
    const bobA = await send(gateway.server.url, { path: '/a', headers: { cookie: bob } });

    expect(aliceA.status).toBe(429);
    expect(aliceB.status).toBe(200);
    expect(aliceB.headers['ratelimit-remaining']).toBe('2');
    expect(bobA.status).toBe(200);
    expect(bobA.headers['ratelimit-remaining']).toBe('2');
  });
});

describe('Integration: when Redis is paused or stopped', () => {
  // Each test has its own Redis and gateway (a closed circuit): none depends on what another left.
  let redis: RedisProcess;
  let gateway: Awaited<ReturnType<typeof startGateway>>;

  beforeEach(async () => {
    redis = new RedisProcess();
    await redis.start();
    gateway = await startGateway(redis.port, { failureThreshold: 2, openMs: 400 });
  });
  afterEach(async () => {
    await gateway.close();
    await redis.stop();
  });

  const call = (path: string) => send(gateway.server.url, { path });

  /** Polls `/closed` until it is limited by Redis again (200 with a RateLimit-Limit). */
  const untilLimited = async () => {
    let response = await call('/closed');
    const deadline = performance.now() + 10_000;
    while (
      (response.status !== 200 || response.headers['ratelimit-limit'] === undefined) &&
      performance.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await call('/closed');
    }
    return response;
  };

  it('limits normally while Redis answers', async () => {
    const response = await call('/closed');

    expect(response.status).toBe(200);
    expect(response.headers['ratelimit-remaining']).toBe('99');
  });

  it('fails open or closed per route when Redis stalls, within the command timeout', async () => {
    await redis.pause(3000);

    const started = performance.now();
    const open = await call('/open');
    const closed = await call('/closed');
    const elapsed = performance.now() - started;

    expect(open.status).toBe(200);
    expect(open.headers['ratelimit-limit']).toBeUndefined();
    expect(closed.status).toBe(503);
    expect(closed.json()).toMatchObject({
      error: 'unavailable',
      message: 'The service is temporarily unavailable',
    });
    // Two requests, each bounded by the 50 ms command timeout: well under the 3 s stall that
    // waiting on Redis would cost, with room for a loaded machine.
    expect(elapsed).toBeLessThan(1500);
    const failOpenLog = output
      .json()
      .find((line) => line.message === 'rate limiter failed; request let through (fail_open)');
    expect(failOpenLog).toMatchObject({ reason: 'redis_timeout' });
    const emf = output.json().filter((line) => line._aws);
    expect(emf.some((doc) => doc.RateLimitFailOpen === 1)).toBe(true);
  });

  it('stops paying the timeout once the circuit is open', async () => {
    await redis.pause(3000);
    // Two timeouts, the failure threshold, open the circuit.
    await call('/closed');
    await call('/closed');

    const closed = await call('/closed');

    expect(closed.status).toBe(503);
    const failures = output.json().filter((line) => line.message === 'request failed');
    expect(failures.at(-1)).toMatchObject({ reason: 'redis_circuit_open' });
  });

  it('fails open or closed when Redis is stopped, and readiness reports it', async () => {
    await redis.stop();

    const open = await call('/open');
    const closed = await call('/closed');
    const ready = await call('/health/ready');

    expect(open.status).toBe(200);
    expect(closed.status).toBe(503);
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({ checks: { redis: { status: 'down' } } });
  });

  it('limits again once Redis is back and the circuit probes it', async () => {
    await redis.stop();
    // Failures open the circuit while Redis is away.
    for (let i = 0; i < 3; i += 1) expect((await call('/closed')).status).toBe(503);
    await redis.start(redis.port);

    // ioredis reconnects with backoff (at most 2 s here); the circuit lets a probe through after 400 ms.
    const response = await untilLimited();

    expect(response.status).toBe(200);
    expect(response.headers['ratelimit-limit']).toBe('100');
  }, 15_000);
});
