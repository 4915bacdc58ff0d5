import { captureOutput } from '../../helpers/capture-output';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { configFrom, recordingUpstream, testGateway } from '../../helpers/test-gateway';

const config = configFrom(`
cors: { allow_origins: [https://app.example.com], allow_credentials: true }
routes:
  - { id: feed, path: /feed, methods: [GET], upstream: "http://svc", auth_required: false, cors: { allow_origins: ["*"], allow_headers: ["*"] } }
  - { id: own-cors, path: /own, methods: [GET, OPTIONS], upstream: "http://svc", auth_required: false, cors: false }
  - { id: app, path: /app, methods: [GET], upstream: "http://svc", auth_required: false }
`);

/** An upstream that answers with its own, too generous, CORS headers. */
const generousUpstream = () =>
  recordingUpstream(() => ({
    status: 200,
    headers: {
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
      vary: 'Accept-Encoding',
    },
    setCookies: [],
    body: Buffer.from('{}'),
  }));

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('Middleware: CORS', () => {
  it('answers a "*" policy without credentials with "*", for any requested header', async () => {
    const gateway = testGateway({ config });

    const preflight = await gateway(
      functionUrlEvent({
        method: 'OPTIONS',
        path: '/feed',
        headers: {
          origin: 'https://anyone.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'x-anything',
        },
      }),
    );
    const actual = await gateway(
      functionUrlEvent({ path: '/feed', headers: { origin: 'https://anyone.example' } }),
    );

    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-headers']).toBe('*');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    expect(actual.headers['access-control-allow-origin']).toBe('*');
  });

  it('passes a preflight to an upstream that does CORS itself on a route with cors: false and OPTIONS', async () => {
    const upstream = recordingUpstream();
    const gateway = testGateway({ config, upstream });

    const result = await gateway(
      functionUrlEvent({
        method: 'OPTIONS',
        path: '/own',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
      }),
    );

    expect(result.statusCode).toBe(200);
    expect(upstream.requests.map((request) => request.method)).toEqual(['OPTIONS']);
  });

  it("replaces the upstream's CORS headers on a route with CORS, and keeps its Vary", async () => {
    const gateway = testGateway({ config, upstream: generousUpstream() });

    const foreign = await gateway(
      functionUrlEvent({ path: '/app', headers: { origin: 'https://evil.example' } }),
    );
    const app = await gateway(
      functionUrlEvent({ path: '/app', headers: { origin: 'https://app.example.com' } }),
    );

    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(foreign.headers['access-control-allow-credentials']).toBeUndefined();
    expect(foreign.headers.vary).toBe('Accept-Encoding, Origin');
    expect(app.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('applies the top-level policy to a 404 outside every route', async () => {
    const gateway = testGateway({ config });

    const result = await gateway(
      functionUrlEvent({ path: '/nowhere', headers: { origin: 'https://app.example.com' } }),
    );

    expect(result.statusCode).toBe(404);
    expect(result.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });
});
