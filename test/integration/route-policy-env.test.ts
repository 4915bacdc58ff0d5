import { randomUUID } from 'node:crypto';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { SessionAdmin } from '../../scripts/session-admin';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { SHARED_REDIS } from '../helpers/redis-process';

/**
 * Issue 14's route policy through the composed product: a route table with CORS, CSRF, a
 * per-method permission map, a shadow limit and the `middleware:` spelling, loaded from
 * GATEWAY_CONFIG by wireGatewayFromEnv behind the local server of `npm start`, over HTTP, with
 * dynalite sessions and the real Redis. Route ids are unique per run, so are their Redis keys.
 */
const TABLE = 'route-policy-sessions';
const SECRET = 'route-policy-secret-0123456789abcdef-0123';
const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const run = randomUUID().slice(0, 8);
const id = (name: string) => `${name}-${run}`;

const routeTable = `
cors:
  allow_origins: [${APP}]
  allow_headers: [content-type, x-correlation-id]
  expose_headers: [x-correlation-id, ratelimit-remaining, retry-after]
  allow_credentials: true
  max_age_seconds: 600
default_rate_limit: { capacity: 50, refill_per_second: 1, scope: user }
roles:
  reader: [users:read]
  writer: [users:read, users:write]
routes:
  - id: ${id('users')}
    path: /api/users/{id}
    methods: [GET, PUT, POST]
    upstream: "\${UP}"
    permissions: { GET: [users:read], PUT: [users:write] }
    rate_limit: false
  - { id: ${id('tight')}, path: /tight, methods: [GET], upstream: "\${UP}", rate_limit: { capacity: 1, refill_per_second: 0.001, scope: user } }
  - { id: ${id('shadow')}, path: /shadow, methods: [GET], upstream: "\${UP}", auth_required: false, rate_limit: { capacity: 5, refill_per_second: 0.001, scope: route, mode: shadow } }
  - { id: ${id('webhook')}, path: /webhook, methods: [POST], upstream: "\${UP}", csrf: false, cors: false, rate_limit: false }
  - { id: ${id('seed')}, path: /seed, methods: [GET], upstream: "\${UP}", middleware: [auth, ratelimit] }
`;

let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let reader: string;
let writer: string;

const gateway = useGatewayServer(async (own) => {
  upstream = own(await startRecordingUpstream());
  return {
    routeTable,
    sessionTable: TABLE,
    env: {
      UP: upstream.url,
      SESSION_SECRET: SECRET,
      REDIS_HOST: SHARED_REDIS.host,
      REDIS_PORT: String(SHARED_REDIS.port),
      REDIS_TLS: 'false',
    },
  };
});
const { output } = gateway;

const login = async (userId: string, roles: string[]): Promise<string> => {
  const admin = new SessionAdmin(gateway.sessionClient(), TABLE, new SessionSigner([SECRET]));
  const { token } = await admin.create({ userId, roles, ttlSeconds: 600 });
  return `session_token=${token}`;
};

beforeAll(async () => {
  reader = await login(`reader-${run}`, ['reader']);
  writer = await login(`writer-${run}`, ['writer']);
});

beforeEach(() => {
  upstream.seen.length = 0;
});

const ownOrigin = () => new URL(gateway.server.url).origin;

const preflight = (origin: string, headers: Record<string, string> = {}) =>
  send(gateway.server.url, {
    method: 'OPTIONS',
    path: '/api/users/1',
    headers: { origin, 'access-control-request-method': 'PUT', ...headers },
  });

const post = (path: string, headers: Record<string, string>) =>
  send(gateway.server.url, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body: '{"name":"x"}',
  });

describe('Integration: CORS from the route table (npm start wiring)', () => {
  it('answers a preflight from an allowed origin with 204 and the allowed values, before session validation', async () => {
    const response = await preflight(APP, {
      'access-control-request-headers': 'Content-Type, X-Correlation-Id',
    });

    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, PUT, POST, HEAD',
      'access-control-allow-headers': 'content-type, x-correlation-id',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      'x-content-type-options': 'nosniff',
    });
    expect(response.body.length).toBe(0);
    expect(upstream.seen).toHaveLength(0);
  });

  it('refuses a preflight from a foreign origin, or for an unlisted header, with 403 in the JSON contract', async () => {
    const foreign = await preflight(EVIL);
    const header = await preflight(APP, { 'access-control-request-headers': 'x-admin' });
    const method = await send(gateway.server.url, {
      method: 'OPTIONS',
      path: '/api/users/1',
      headers: { origin: APP, 'access-control-request-method': 'DELETE' },
    });

    for (const refused of [foreign, header, method]) {
      expect(refused.status).toBe(403);
      expect(refused.json()).toEqual({
        error: 'cors_rejected',
        message: expect.stringMatching(/^CORS preflight refused/),
        correlation_id: expect.any(String),
        timestamp: expect.any(String),
      });
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(upstream.seen).toHaveLength(0);
  });

  it('answers a credentialed request with its exact origin, never *, and the exposed headers', async () => {
    const response = await send(gateway.server.url, {
      path: '/api/users/7',
      headers: { origin: APP, cookie: reader, 'sec-fetch-site': 'cross-site' },
    });

    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'x-correlation-id, ratelimit-remaining, retry-after',
      vary: 'Origin',
    });
  });

  it('puts the CORS headers on a 401 and on a 429, so the app can read them', async () => {
    const unauthenticated = await send(gateway.server.url, {
      path: '/api/users/7',
      headers: { origin: APP },
    });
    const cookie = await login(`tight-${randomUUID()}`, []);
    await send(gateway.server.url, { path: '/tight', headers: { origin: APP, cookie } });
    const limited = await send(gateway.server.url, {
      path: '/tight',
      headers: { origin: APP, cookie },
    });

    expect(unauthenticated.status).toBe(401);
    expect(limited.status).toBe(429);
    for (const response of [unauthenticated, limited]) {
      expect(response.headers).toMatchObject({
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      });
    }
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.headers['access-control-expose-headers']).toContain('retry-after');
  });

  it('gives a foreign origin no Access-Control-Allow-Origin, only Vary', async () => {
    const response = await send(gateway.server.url, {
      path: '/api/users/7',
      headers: { origin: EVIL, cookie: reader },
    });

    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers.vary).toBe('Origin');
  });
});

describe('Integration: CSRF protection of cookie-authenticated routes', () => {
  it('refuses a cross-site POST that carries the session cookie with 403, before the upstream', async () => {
    const response = await post('/api/users/7', {
      cookie: reader,
      origin: EVIL,
      'sec-fetch-site': 'cross-site',
    });

    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ error: 'csrf_rejected' });
    expect(upstream.seen).toHaveLength(0);
  });

  it("lets the same POST through from the app's origin and from the gateway's own", async () => {
    const fromApp = await post('/api/users/7', {
      cookie: reader,
      origin: APP,
      'sec-fetch-site': 'cross-site',
    });
    const sameOrigin = await post('/api/users/7', { cookie: reader, origin: ownOrigin() });
    const sameOriginFetch = await post('/api/users/7', {
      cookie: reader,
      origin: ownOrigin(),
      'sec-fetch-site': 'same-origin',
    });

    expect([fromApp.status, sameOrigin.status, sameOriginFetch.status]).toEqual([200, 200, 200]);
    expect(upstream.seen).toHaveLength(3);
  });

  it('lets a curl POST with the cookie and neither Origin nor Sec-Fetch-Site through', async () => {
    const response = await post('/api/users/7', { cookie: reader });

    expect(response.status).toBe(200);
  });

  it.each<[string, () => Record<string, string>]>([
    [
      'X-Forwarded-Host naming the attacker',
      () => ({ origin: EVIL, 'x-forwarded-host': 'evil.example' }),
    ],
    [
      'Forwarded naming the attacker',
      () => ({ origin: EVIL, forwarded: 'host=evil.example;proto=https' }),
    ],
    [
      'Sec-Fetch-Site cross-site beside an Origin equal to the gateway',
      () => ({ 'sec-fetch-site': 'cross-site', origin: ownOrigin() }),
    ],
    [
      'Sec-Fetch-Site same-site from an untrusted sibling',
      () => ({ 'sec-fetch-site': 'same-site', origin: 'https://other.example.com' }),
    ],
    [
      'an unknown Sec-Fetch-Site value',
      () => ({ 'sec-fetch-site': 'same-origin, cross-site', origin: EVIL }),
    ],
    ['Origin: null (a sandboxed frame)', () => ({ origin: 'null' })],
    ['Origin in another case than the trusted one', () => ({ origin: APP.toUpperCase() })],
  ])('refuses a POST with the cookie and %s', async (_name, headers) => {
    const response = await post('/api/users/7', { cookie: reader, ...headers() });

    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ error: 'csrf_rejected' });
    expect(upstream.seen).toHaveLength(0);
  });

  it('lets a cross-site GET and HEAD with the cookie through (safe methods change nothing), and still refuses the POST', async () => {
    const crossSite = { cookie: reader, origin: EVIL, 'sec-fetch-site': 'cross-site' };
    const get = await send(gateway.server.url, { path: '/api/users/7', headers: crossSite });
    const head = await send(gateway.server.url, {
      method: 'HEAD',
      path: '/api/users/7',
      headers: crossSite,
    });
    const refused = await post('/api/users/7', crossSite);

    expect([get.status, head.status, refused.status]).toEqual([200, 200, 403]);
    expect(upstream.seen.map((seen) => seen.method)).toEqual(['GET', 'HEAD']);
  });

  it('leaves a route with csrf: false alone (an API without cookies)', async () => {
    const response = await post('/webhook', {
      cookie: reader,
      origin: EVIL,
      'sec-fetch-site': 'cross-site',
    });

    expect(response.status).toBe(200);
  });
});

describe('Integration: per-method permissions', () => {
  it('lets a reader GET (and HEAD) but not PUT, and a writer PUT', async () => {
    const get = await send(gateway.server.url, {
      path: '/api/users/7',
      headers: { cookie: reader },
    });
    const head = await send(gateway.server.url, {
      method: 'HEAD',
      path: '/api/users/7',
      headers: { cookie: reader },
    });
    const put = await send(gateway.server.url, {
      method: 'PUT',
      path: '/api/users/7',
      headers: { cookie: reader, 'content-type': 'application/json' },
      body: '{}',
    });
    const writerPut = await send(gateway.server.url, {
      method: 'PUT',
      path: '/api/users/7',
      headers: { cookie: writer, 'content-type': 'application/json' },
      body: '{}',
    });

    expect([get.status, head.status, put.status, writerPut.status]).toEqual([200, 200, 403, 200]);
    expect(put.json()).toMatchObject({ error: 'forbidden' });
    expect(upstream.seen.map((seen) => seen.method)).toEqual(['GET', 'HEAD', 'PUT']);
  });
});

describe('Integration: shadow limits', () => {
  it('lets a burst of 30 through on capacity 5 and counts the 25 would-be refusals', async () => {
    // One after another: what is under test is the shadow limit's arithmetic and its count, not
    // the local server's concurrency (concurrent-invocations.test.ts).
    const answers = [];
    for (let i = 0; i < 30; i += 1)
      answers.push(await send(gateway.server.url, { path: '/shadow' }));

    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
    expect(answers.every((a) => a.headers['ratelimit-remaining'] === undefined)).toBe(true);
    const lines = output.json();
    const flagged = lines.filter(
      (line) =>
        line.message === 'request' &&
        line.route === id('shadow') &&
        line.rate_limit_shadow === 'limited',
    );
    // Summed: a document may carry a metric twice as an array.
    const counted = lines
      .filter((line) => line.route === id('shadow') && line.RateLimitedShadow !== undefined)
      .flatMap((line) => [line.RateLimitedShadow].flat() as number[])
      .reduce((sum, value) => sum + value, 0);
    expect(flagged).toHaveLength(25);
    expect(counted).toBe(25);
    expect(upstream.seen).toHaveLength(30);
  });
});

describe('Integration: the middleware: [auth, ratelimit] spelling', () => {
  it('needs a session and applies default_rate_limit', async () => {
    const anonymous = await send(gateway.server.url, { path: '/seed' });
    const signedIn = await send(gateway.server.url, {
      path: '/seed',
      headers: { cookie: reader },
    });

    expect(anonymous.status).toBe(401);
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers['ratelimit-limit']).toBe('50');
  });
});
