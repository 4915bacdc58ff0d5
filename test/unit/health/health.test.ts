import type { ReadinessCheck } from '../../../functions/gateway/health/readiness';
import { captureOutput } from '../../helpers/capture-output';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { configFrom, jsonBody, testGateway } from '../../helpers/test-gateway';

// A catch-all protected route: health must answer without it.
const config = configFrom(
  'routes:\n  - { path: "/*", methods: [GET], upstream: "http://svc", auth_required: true }\n',
);

const check = (name: string, behaviour: 'up' | 'fail' | 'hang'): ReadinessCheck => ({
  name,
  check: (signal) =>
    behaviour === 'up'
      ? Promise.resolve()
      : behaviour === 'fail'
        ? Promise.reject(new Error('ECONNREFUSED 10.0.0.1:6379'))
        : new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason)),
          ),
});

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('Health endpoints', () => {
  it('answers /health/live with 200 without a session', async () => {
    const result = await testGateway({ config })(functionUrlEvent({ path: '/health/live' }));

    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ status: 'live' });
    expect(result.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers /health/ready with each dependency state', async () => {
    const gateway = testGateway({
      config,
      readinessChecks: [check('sessions', 'up'), check('ratelimit', 'up')],
    });

    const result = await gateway(functionUrlEvent({ path: '/health/ready' }));

    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({
      status: 'ready',
      checks: {
        sessions: { status: 'up', latency_ms: expect.any(Number) },
        ratelimit: { status: 'up', latency_ms: expect.any(Number) },
      },
    });
  });

  it('answers 503 naming the dependency that is down, without its error text', async () => {
    const gateway = testGateway({
      config,
      readinessChecks: [check('sessions', 'up'), check('ratelimit', 'fail')],
    });

    const result = await gateway(functionUrlEvent({ path: '/health/ready' }));

    expect(result.statusCode).toBe(503);
    expect(jsonBody(result)).toMatchObject({
      status: 'unavailable',
      checks: { sessions: { status: 'up' }, ratelimit: { status: 'down', reason: 'error' } },
    });
    expect(result.body).not.toContain('10.0.0.1');
  });

  it('bounds a hanging dependency by the readiness timeout', async () => {
    const gateway = testGateway({
      config,
      readinessChecks: [check('sessions', 'hang')],
      readinessTimeoutMs: 50,
    });

    const started = performance.now();
    const result = await gateway(functionUrlEvent({ path: '/health/ready' }));

    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.statusCode).toBe(503);
    expect(jsonBody(result)).toMatchObject({
      checks: { sessions: { status: 'down', reason: 'timeout' } },
    });
  });

  it('answers only GET and HEAD on health paths', async () => {
    const result = await testGateway({ config })(
      functionUrlEvent({ method: 'POST', path: '/health/live' }),
    );

    expect(result.statusCode).toBe(405);
    expect(result.headers.allow).toBe('GET, HEAD');
  });
});
