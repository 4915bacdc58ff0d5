import { BadGatewayError } from '../../../functions/gateway/http/errors';
import { captureOutput } from '../../helpers/capture-output';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { configFrom, jsonBody, recordingUpstream, testGateway } from '../../helpers/test-gateway';

const config = configFrom(`
routes:
  - { id: public, path: "/public/*", methods: [GET, POST], upstream: "http://svc", auth_required: false, max_body_bytes: 16 }
  - { id: private, path: "/private", methods: [GET], upstream: "http://svc" }
`);

const SECURITY_HEADERS = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('Middleware: correlation', () => {
  it('echoes a valid X-Correlation-ID on the response and on every log line', async () => {
    // Prepare
    const gateway = testGateway({ config });

    // Act
    const result = await gateway(
      functionUrlEvent({ path: '/public/x', headers: { 'x-correlation-id': 'abc-123.XYZ_9' } }),
    );

    // Assess
    expect(result.headers['x-correlation-id']).toBe('abc-123.XYZ_9');
    const lines = output.json().filter((line) => line.level);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.correlation_id).toBe('abc-123.XYZ_9');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['empty', ''],
    ['bad characters', 'abc def'],
    ['a log-injection attempt', 'x\n{"level":"ERROR"}'],
    ['a number (a direct invoke)', 7],
    ['an object (a direct invoke)', { id: 'x' }],
  ])('replaces an id that is %s with a fresh UUID', async (_why, incoming) => {
    const gateway = testGateway({ config });
    const event = functionUrlEvent({ path: '/nowhere' });
    // A direct invoke can carry any JSON in a header; the Function URL only strings.
    (event.headers as Record<string, unknown>)['x-correlation-id'] = incoming;

    const result = await gateway(event);

    expect(jsonBody(result).correlation_id).toBe(result.headers['x-correlation-id']);
    expect(result.headers['x-correlation-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('accepts an id of exactly 128 characters', async () => {
    const id = 'A'.repeat(128);

    const result = await testGateway({ config })(
      functionUrlEvent({ path: '/public/x', headers: { 'x-correlation-id': id } }),
    );

    expect(result.headers['x-correlation-id']).toBe(id);
  });

  it('mints a different id for each request without one', async () => {
    const gateway = testGateway({ config });

    const first = await gateway(functionUrlEvent({ path: '/public/x' }));
    const second = await gateway(functionUrlEvent({ path: '/public/x' }));

    expect(first.headers['x-correlation-id']).not.toBe(second.headers['x-correlation-id']);
  });

  it('passes the correlation id to the upstream', async () => {
    const upstream = recordingUpstream();

    await testGateway({ config, upstream })(
      functionUrlEvent({ path: '/public/x', headers: { 'x-correlation-id': 'trace-1' } }),
    );

    expect(upstream.requests[0]?.headers['x-correlation-id']).toBe('trace-1');
  });
});

describe('Middleware: errorResponse', () => {
  it('answers an unknown path with 404 and the JSON contract', async () => {
    const result = await testGateway({ config })(
      functionUrlEvent({ path: '/nowhere', headers: { 'x-correlation-id': 'c-404' } }),
    );

    expect(result.statusCode).toBe(404);
    expect(result.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(jsonBody(result)).toEqual({
      error: 'not_found',
      message: 'No route matches this path',
      correlation_id: 'c-404',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('answers a known path with another method with 405 and Allow', async () => {
    const result = await testGateway({ config })(
      functionUrlEvent({ method: 'DELETE', path: '/public/a' }),
    );

    expect(result.statusCode).toBe(405);
    expect(result.headers.allow).toBe('GET, HEAD, POST');
    expect(jsonBody(result).error).toBe('method_not_allowed');
  });

  it('refuses a body over the route limit with 413 before calling the upstream', async () => {
    const upstream = recordingUpstream();

    const result = await testGateway({ config, upstream })(
      functionUrlEvent({ method: 'POST', path: '/public/a', body: 'x'.repeat(17) }),
    );

    expect(result.statusCode).toBe(413);
    expect(jsonBody(result).error).toBe('payload_too_large');
    expect(upstream.requests).toHaveLength(0);
  });

  it('hides the internals of an unexpected failure behind a generic 500', async () => {
    const upstream = recordingUpstream(() => {
      throw new Error('secret-host.internal:5432 password authentication failed');
    });

    const result = await testGateway({ config, upstream })(functionUrlEvent({ path: '/public/a' }));

    expect(result.statusCode).toBe(500);
    expect(jsonBody(result)).toMatchObject({
      error: 'internal_error',
      message: 'The gateway failed to handle this request',
    });
    expect(result.body).not.toMatch(/secret-host|password|at /);
    // The cause is in the logs for operators.
    expect(output.text()).toContain('secret-host.internal');
  });

  it('gives 5xx gateway errors their public message only', async () => {
    const upstream = recordingUpstream(() => {
      throw new BadGatewayError({ reason: 'upstream_connect_econnrefused' });
    });

    const result = await testGateway({ config, upstream })(functionUrlEvent({ path: '/public/a' }));

    expect(result.statusCode).toBe(502);
    expect(jsonBody(result)).toMatchObject({
      error: 'bad_gateway',
      message: 'The upstream service failed to answer correctly',
    });
  });

  it('fails closed on an auth-required route while no session validator is wired', async () => {
    const upstream = recordingUpstream();

    const result = await testGateway({ config, upstream })(functionUrlEvent({ path: '/private' }));

    expect(result.statusCode).toBe(401);
    expect(upstream.requests).toHaveLength(0);
  });

  it('answers an event that is not a Function URL request with 400, not a crash', async () => {
    const gateway = testGateway({ config });

    const result = await gateway({} as never);

    expect(result.statusCode).toBe(400);
    expect(jsonBody(result).error).toBe('bad_request');
    expect(result.headers['x-correlation-id']).toBeDefined();
  });
});

describe('Middleware: securityHeaders', () => {
  it('adds the security headers to proxied responses', async () => {
    const result = await testGateway({ config })(functionUrlEvent({ path: '/public/a' }));

    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject(SECURITY_HEADERS);
  });

  it.each([
    ['404', { path: '/nowhere' }],
    ['405', { path: '/public/a', method: 'PATCH' }],
    ['401', { path: '/private' }],
  ])('adds the security headers to a %s error response', async (_status, event) => {
    const result = await testGateway({ config })(functionUrlEvent(event));

    expect(result.headers).toMatchObject(SECURITY_HEADERS);
    expect(result.headers['x-correlation-id']).toBeDefined();
  });

  it('adds them to a 500 too', async () => {
    const upstream = recordingUpstream(() => {
      throw new TypeError('boom');
    });

    const result = await testGateway({ config, upstream })(functionUrlEvent({ path: '/public/a' }));

    expect(result.statusCode).toBe(500);
    expect(result.headers).toMatchObject(SECURITY_HEADERS);
  });

  it('uses the configured values', async () => {
    const custom = configFrom(`
routes:
  - { path: /a, methods: [GET], upstream: "http://svc", auth_required: false }
security_headers:
  content_security_policy: "default-src 'self'"
  x_frame_options: SAMEORIGIN
`);

    const result = await testGateway({ config: custom })(functionUrlEvent({ path: '/a' }));

    expect(result.headers['content-security-policy']).toBe("default-src 'self'");
    expect(result.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it("keeps an upstream's own policy headers", async () => {
    const upstream = recordingUpstream(() => ({
      status: 200,
      headers: { 'content-type': 'text/html', 'content-security-policy': "script-src 'self'" },
      setCookies: [],
      body: Buffer.from('<p>hi</p>'),
    }));

    const result = await testGateway({ config, upstream })(
      functionUrlEvent({ path: '/public/page' }),
    );

    expect(result.headers['content-security-policy']).toBe("script-src 'self'");
    expect(result.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('Middleware: accessLog', () => {
  it('writes one access-log line per request with route, status and latency', async () => {
    await testGateway({ config })(functionUrlEvent({ path: '/nowhere' }));

    const access = output.json().filter((line) => line.message === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      method: 'GET',
      route: 'unmatched',
      status: 404,
      latency_ms: expect.any(Number),
    });
  });

  it('emits request metrics as EMF with the route as a dimension', async () => {
    await testGateway({ config })(functionUrlEvent({ path: '/public/a' }));

    const emf = output.json().find((line) => line._aws);
    expect(emf).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Gateway',
            Dimensions: [['service', 'route'], ['service', 'status_class'], ['service']],
          },
        ],
      },
      status_class: '2xx',
      service: 'gateway',
      route: 'public',
      Requests: 1,
      Responses2xx: 1,
      Latency: expect.any(Number),
      UpstreamLatency: expect.any(Number),
    });
  });
});
