import { type ReadinessCheck, readinessReason } from '../../../functions/gateway/health/readiness';
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

  it('names a refused connection as refused, whatever wraps it', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    const gateway = testGateway({
      config,
      readinessChecks: [
        { name: 'redis', check: () => Promise.reject(refused) },
        {
          name: 'dynamodb',
          check: () => Promise.reject(new Error('send failed', { cause: refused })),
        },
      ],
    });

    const result = await gateway(functionUrlEvent({ path: '/health/ready' }));

    expect(result.statusCode).toBe(503);
    expect(jsonBody(result)).toMatchObject({
      checks: {
        redis: { status: 'down', reason: 'refused' },
        dynamodb: { status: 'down', reason: 'refused' },
      },
    });
    expect(result.body).not.toContain('10.0.0.1');
  });

  it.each([
    ['a reset connection', { code: 'ECONNRESET' }, 'unavailable'],
    ['an unknown host', { code: 'ENOTFOUND' }, 'unavailable'],
    ['a socket timeout', { code: 'ETIMEDOUT' }, 'timeout'],
    ['an SDK timeout', { name: 'TimeoutError' }, 'timeout'],
    ['an adapter that names the reason', { reason: 'unavailable' }, 'unavailable'],
    ['an error reply', { message: 'NOAUTH Authentication required' }, 'error'],
  ])('names %s as %s', (_what, fields, reason) => {
    expect(readinessReason(Object.assign(new Error('failed'), fields))).toBe(reason);
  });

  it('names a non-error rejection as error', () => {
    expect(readinessReason('nope')).toBe('error');
    expect(readinessReason(undefined)).toBe('error');
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
