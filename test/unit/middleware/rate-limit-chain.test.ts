import type { RateLimiter } from '../../../functions/gateway/ratelimit/rate-limiter';
import { captureOutput } from '../../helpers/capture-output';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { unusedTakeAll } from '../../helpers/single-limit-only';
import { configFrom, jsonBody, recordingUpstream, testGateway } from '../../helpers/test-gateway';

const config = configFrom(`
default_rate_limit: { capacity: 2, refill_per_second: 0.01, scope: ip }
routes:
  - { id: defaulted, path: /defaulted, methods: [GET], upstream: "http://svc", auth_required: false }
  - { id: exempt, path: /exempt, methods: [GET], upstream: "http://svc", auth_required: false, rate_limit: false }
  - { id: costly, path: /costly, methods: [POST], upstream: "http://svc", auth_required: false, rate_limit: { capacity: 10, refill_per_second: 1, cost: 4, scope: route } }
  - { id: closed, path: /closed, methods: [GET], upstream: "http://svc", auth_required: false, rate_limit: { capacity: 10, refill_per_second: 1, on_error: fail_closed } }
`);

const recordingLimiter = (fail = false, dependency = 'redis') => {
  const limiter = {
    keys: [] as string[],
    dependency,
    takeAll: unusedTakeAll,
    async take(key: string, bucket: { capacity: number; cost: number }) {
      limiter.keys.push(key);
      if (fail) throw new Error('socket hang up');
      return {
        allowed: true,
        remaining: bucket.capacity - bucket.cost,
        resetMs: 1000,
        retryAfterMs: 0,
      };
    },
  } satisfies RateLimiter & Record<string, unknown>;
  return limiter;
};

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('Middleware: rateLimit', () => {
  it('applies default_rate_limit to a route that names none', async () => {
    const gateway = testGateway({ config });

    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await gateway(functionUrlEvent({ path: '/defaulted' }))).statusCode);

    expect(statuses).toEqual([200, 200, 429]);
  });

  it('leaves a route with rate_limit: false unlimited', async () => {
    const limiter = recordingLimiter();
    const gateway = testGateway({ config, rateLimiter: limiter });

    const result = await gateway(functionUrlEvent({ path: '/exempt' }));

    expect(result.statusCode).toBe(200);
    expect(limiter.keys).toEqual([]);
    expect(result.headers['ratelimit-limit']).toBeUndefined();
  });

  it('takes the route cost and keys a route-scoped bucket by route only', async () => {
    const limiter = recordingLimiter();
    const gateway = testGateway({ config, rateLimiter: limiter });

    const result = await gateway(
      functionUrlEvent({ method: 'POST', path: '/costly', sourceIp: '198.51.100.7' }),
    );

    expect(limiter.keys).toEqual(['rl:route:{costly}']);
    expect(result.headers['ratelimit-remaining']).toBe('6');
  });

  it('answers 429 with Retry-After, RateLimit headers and the JSON contract', async () => {
    const gateway = testGateway({ config });
    await gateway(functionUrlEvent({ path: '/defaulted' }));
    await gateway(functionUrlEvent({ path: '/defaulted' }));

    const result = await gateway(
      functionUrlEvent({ path: '/defaulted', headers: { 'x-correlation-id': 'c-429' } }),
    );

    expect(result.statusCode).toBe(429);
    expect(result.headers).toMatchObject({
      'retry-after': '100',
      'ratelimit-limit': '2',
      'ratelimit-remaining': '0',
    });
    expect(jsonBody(result)).toMatchObject({ error: 'rate_limited', correlation_id: 'c-429' });
    const emf = output.json().filter((doc) => doc.Requests);
    expect(emf.at(-1)).toMatchObject({ RateLimited: 1, Responses4xx: 1 });
    expect(
      output
        .json()
        .filter((l) => l.message === 'request')
        .at(-1),
    ).toMatchObject({ rate_limit: 'limited' });
  });

  it('keeps the RateLimit headers on an upstream failure after the request was allowed', async () => {
    const upstream = recordingUpstream(() => {
      throw new Error('boom');
    });
    const gateway = testGateway({ config, upstream });

    const result = await gateway(functionUrlEvent({ path: '/defaulted' }));

    expect(result.statusCode).toBe(500);
    expect(result.headers['ratelimit-remaining']).toBe('1');
  });

  it('lets the request through when the limiter fails on a fail_open route', async () => {
    const gateway = testGateway({ config, rateLimiter: recordingLimiter(true) });

    const result = await gateway(functionUrlEvent({ path: '/defaulted' }));

    expect(result.statusCode).toBe(200);
    expect(output.json().find((l) => l.message === 'request')).toMatchObject({
      rate_limit: 'fail_open',
    });
    expect(output.json().find((doc) => doc.Requests)).toMatchObject({ RateLimitFailOpen: 1 });
    expect(output.json().find((doc) => doc.DependencyErrors)).toMatchObject({
      dependency: 'redis',
    });
  });

  it('answers 503 when the limiter fails on a fail_closed route', async () => {
    const upstream = recordingUpstream();
    const gateway = testGateway({ config, upstream, rateLimiter: recordingLimiter(true) });

    const result = await gateway(functionUrlEvent({ path: '/closed' }));

    expect(result.statusCode).toBe(503);
    expect(upstream.requests).toHaveLength(0);
    expect(output.json().find((l) => l.message === 'request failed')).toMatchObject({
      reason: 'redis_error',
    });
  });

  it('names the store that failed, not Redis, when another limiter decides', async () => {
    const gateway = testGateway({
      config,
      upstream: recordingUpstream(),
      rateLimiter: recordingLimiter(true, 'memory'),
    });

    const open = await gateway(functionUrlEvent({ path: '/defaulted' }));
    const closed = await gateway(functionUrlEvent({ path: '/closed' }));

    expect([open.statusCode, closed.statusCode]).toEqual([200, 503]);
    const lines = output.json();
    expect(
      lines.find((l) => l.message === 'rate limiter failed; request let through (fail_open)'),
    ).toMatchObject({ reason: 'memory_error' });
    expect(lines.find((l) => l.message === 'request failed')).toMatchObject({
      reason: 'memory_error',
    });
    expect(lines.filter((doc) => doc.DependencyErrors).map((doc) => doc.dependency)).toEqual([
      'memory',
      'memory',
    ]);
  });
});
