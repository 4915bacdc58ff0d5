import '../../dev/awslambda-shim';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import * as fc from 'fast-check';
import { lambdaContext } from '../../dev/lambda-context';
import type { GatewayConfig, RouteConfig } from '../../functions/gateway/config/schema';
import { createGateway } from '../../functions/gateway/create-gateway';
import type { FunctionUrlEvent } from '../../functions/gateway/http/types';
import { loggerOptions } from '../../functions/gateway/observability/logger';
import { fetchUpstream } from '../../functions/gateway/proxy/fetch-upstream';
import { captureOutput } from '../helpers/capture-output';
import { functionUrlEvent } from '../helpers/function-url-event';
import { useGatewayServer } from '../helpers/gateway-server';
import {
  headers as hostileHeaders,
  pathSegment,
  rawQuery,
} from '../helpers/hostile-request-arbitraries';
import { send } from '../helpers/http-request';
import { configFrom } from '../helpers/test-gateway';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A loopback upstream under `/base` that records what it receives; each path picks an answer. */
const startUpstream = async () => {
  const seen: Seen[] = [];
  let origin = '';
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks),
    });
    const path = (req.url ?? '').split('?')[0];
    if (path === '/base/redirect-internal') {
      res.writeHead(302, { location: `${origin}/base/next/step?a=1` }).end();
    } else if (path === '/base/redirect-outside-base') {
      res.writeHead(302, { location: `${origin}/elsewhere` }).end();
    } else if (path === '/base/redirect-external') {
      res.writeHead(302, { location: 'https://login.example/start' }).end();
    } else if (path === '/base/created') {
      res
        .writeHead(201, {
          location: `${origin.toUpperCase()}/base/items/7`,
          'content-location': `${origin}/base/items/7?v=1`,
        })
        .end();
    } else if (path === '/base/cookies') {
      res.setHeader('set-cookie', [
        'session_token=tossed; Path=/',
        ' session_token = tossed; Path=/',
        '__Host-session_token=tossed; Path=/; Secure',
        '__secure-session_token=tossed; Secure',
        'a=1; Path=/',
        'session_token_hint=kept',
        'Session_Token=kept',
      ]);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('cookies');
    } else if (path === '/base/ratelimit') {
      res
        .writeHead(200, {
          'content-type': 'text/plain',
          'ratelimit-limit': '1000000',
          'ratelimit-remaining': '999999',
          'ratelimit-reset': '0',
          'ratelimit-policy': '1000000;w=1',
          ratelimit: 'limit=1000000, remaining=999999, reset=0',
          'x-ratelimit-remaining': '5',
        })
        .end('limited upstream');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** Headers a client may try in order to pose as a user, an address or another route. */
const SPOOFED = {
  x_user_id: 'admin',
  'X-User-Permissions': '*',
  'x-user-roles': 'admin',
  forwarded: 'for=10.0.0.1;host=internal',
  'x-original-url': '/admin',
  'x-rewrite-url': '/admin',
  'x-real-ip': '10.0.0.1',
  'x-forwarded-prefix': '/admin',
  'x-http-method-override': 'DELETE',
} as const;

/** Names (read with `_` and `.` as `-`) that only the gateway may send upstream. */
const CLIENT_MAY_NOT_SEND = new Set([
  'x-user-id',
  'x-user-roles',
  'x-user-permissions',
  'forwarded',
  'x-original-url',
  'x-rewrite-url',
  'x-real-ip',
  'x-http-method-override',
]);
const GATEWAY_SETS = new Set([
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-correlation-id',
]);

/** The identity or routing headers among those the upstream received that the gateway did not set. */
const fromClient = (received: IncomingHttpHeaders): string[] =>
  Object.keys(received).filter((name) => {
    const folded = name.replaceAll(/[_.]/g, '-');
    if (CLIENT_MAY_NOT_SEND.has(folded)) return true;
    if (GATEWAY_SETS.has(folded)) return folded !== name;
    return folded.startsWith('x-forwarded-');
  });

describe('Integration: header hygiene through createGateway and the real fetchUpstream', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let output: ReturnType<typeof captureOutput>;
  // A small pool, new for each test: a request that leaves it short shows within a few requests,
  // and only in the test that sent it.
  let upstreamPort: ReturnType<typeof fetchUpstream>;
  let config: GatewayConfig;

  const gatewayFor = (gatewayConfig: GatewayConfig) => {
    const handler = createGateway({
      config: gatewayConfig,
      upstream: upstreamPort,
      logger: new Logger({ ...loggerOptions, logLevel: 'INFO' }),
      metrics: new Metrics({ namespace: 'Gateway', serviceName: 'gateway' }),
    });
    return async (event: FunctionUrlEvent) => {
      const result = await handler(event, lambdaContext(), {
        signal: new AbortController().signal,
      });
      if (!result || typeof result === 'string') throw new Error('no structured result');
      return result;
    };
  };
  let invoke: ReturnType<typeof gatewayFor>;

  beforeAll(async () => {
    upstream = await startUpstream();
    config = configFrom(
      `
routes:
  - { id: svc, path: "/svc/*", methods: [GET, POST], upstream: "\${UP}/base/", strip_prefix: /svc, auth_required: false, timeout_ms: 1000, retries: 0 }
  - { id: limited, path: "/limited/*", methods: [GET], upstream: "\${UP}/base/", strip_prefix: /limited, auth_required: false, rate_limit: { capacity: 5, refill_per_second: 1, scope: route } }
`,
      { UP: upstream.url },
    );
  });
  afterAll(async () => {
    await upstream.close();
  });
  beforeEach(() => {
    output = captureOutput();
    upstream.seen.length = 0;
    upstreamPort = fetchUpstream({ connectionsPerOrigin: 2 });
    invoke = gatewayFor(config);
  });
  afterEach(async () => {
    output.restore();
    // Not awaited: a pool left short never finishes closing.
    void upstreamPort.close().catch(() => undefined);
  });

  it('drops Expect: 100-continue, so such POSTs succeed and the pool keeps serving', async () => {
    // Five times the pool's size: before the fix each of these left a pooled client stuck.
    for (let i = 0; i < 10; i += 1) {
      const result = await invoke(
        functionUrlEvent({
          method: 'POST',
          path: '/svc/echo',
          headers: { expect: '100-continue', 'content-type': 'text/plain' },
          body: `body-${i}`,
        }),
      );
      expect(result.statusCode).toBe(200);
    }

    const started = performance.now();
    const normal = await invoke(functionUrlEvent({ path: '/svc/hello' }));

    expect(normal.statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(upstream.seen).toHaveLength(11);
    expect(upstream.seen.map((seen) => seen.headers.expect)).toEqual(Array(11).fill(undefined));
    expect(upstream.seen[0]?.body.toString()).toBe('body-0');
  });

  it('refuses a header value with CR LF with the 400 contract before dispatch', async () => {
    const result = await invoke(
      functionUrlEvent({
        path: '/svc/x',
        headers: { 'x-custom': 'a\r\nx-injected: 1', 'x-correlation-id': 'crlf-1' },
      }),
    );

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? '')).toEqual({
      error: 'bad_request',
      message: 'The x-custom header has a character that is not allowed',
      correlation_id: 'crlf-1',
      timestamp: expect.any(String),
    });
    expect(upstream.seen).toHaveLength(0);
    expect(output.json()).toContainEqual(
      expect.objectContaining({
        message: 'request',
        error_code: 'bad_request',
        reason: 'invalid_header_value',
      }),
    );
    expect((await invoke(functionUrlEvent({ path: '/svc/hello' }))).statusCode).toBe(200);
  });

  it('refuses a request target undici would refuse with 400, invalid_request_target', async () => {
    const result = await invoke(functionUrlEvent({ path: '/svc/a', query: 'q=\u20ac' }));

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ error: 'bad_request' });
    expect(output.json()).toContainEqual(
      expect.objectContaining({ reason: 'invalid_request_target' }),
    );
    expect(upstream.seen).toHaveLength(0);
  });

  it('never lets identity or routing headers from the client reach the upstream', async () => {
    const result = await invoke(functionUrlEvent({ path: '/svc/who', headers: SPOOFED }));

    expect(result.statusCode).toBe(200);
    const received = upstream.seen[0]?.headers ?? {};
    expect(fromClient(received)).toEqual([]);
    expect(received).toMatchObject({
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'abc123.lambda-url.eu-west-1.on.aws',
      'x-forwarded-port': '443',
    });
  });

  it("drops the upstream's Set-Cookie for the session cookie, under any prefix, and keeps others", async () => {
    const result = await invoke(functionUrlEvent({ path: '/svc/cookies' }));

    expect(result.cookies).toEqual([
      'a=1; Path=/',
      'session_token_hint=kept',
      'Session_Token=kept',
    ]);
  });

  it("answers with the gateway's RateLimit headers, never the upstream's", async () => {
    const limited = await invoke(functionUrlEvent({ path: '/limited/ratelimit' }));
    const unlimited = await invoke(functionUrlEvent({ path: '/svc/ratelimit' }));

    expect(limited.headers).toMatchObject({
      'ratelimit-limit': '5',
      'ratelimit-remaining': '4',
      'ratelimit-policy': '5;w=5',
      'x-ratelimit-remaining': '5',
    });
    expect(limited.headers.ratelimit).toBeUndefined();
    expect(Object.keys(unlimited.headers).filter((name) => name.startsWith('ratelimit'))).toEqual(
      [],
    );
  });

  it("rewrites a Location on the route's upstream into the route's public path", async () => {
    const redirect = await invoke(functionUrlEvent({ path: '/svc/redirect-internal' }));
    const created = await invoke(functionUrlEvent({ method: 'POST', path: '/svc/created' }));
    const outside = await invoke(functionUrlEvent({ path: '/svc/redirect-outside-base' }));
    const external = await invoke(functionUrlEvent({ path: '/svc/redirect-external' }));

    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe('/svc/next/step?a=1');
    expect(created.headers.location).toBe('/svc/items/7');
    expect(created.headers['content-location']).toBe('/svc/items/7?v=1');
    // Not below the upstream's base path: no public path maps onto it, so it is left alone.
    expect(outside.headers.location).toBe(`${upstream.url}/elsewhere`);
    expect(external.headers.location).toBe('https://login.example/start');
  });

  it('passes Location unchanged on a route with rewrite_location: false', async () => {
    const route = config.routes[0] as RouteConfig;
    // The schema field is added by the config change that goes with this one; the route object
    // is what the proxy reads, so the test sets it there.
    const passThrough = gatewayFor({
      ...config,
      routes: [{ ...route, rewrite_location: false } as RouteConfig],
    });

    const redirect = await passThrough(functionUrlEvent({ path: '/svc/redirect-internal' }));

    expect(redirect.headers.location).toBe(`${upstream.url}/base/next/step?a=1`);
  });

  it('property: generated hostile requests are answered, never 5xx, never leave the pool short', async () => {
    const outcomes = { forwarded: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        hostileHeaders,
        pathSegment,
        rawQuery,
        fc.constantFrom('GET', 'POST'),
        async (headers, segment, query, method) => {
          upstream.seen.length = 0;
          const result = await invoke(
            functionUrlEvent({
              method,
              path: `/svc/${segment}`,
              query,
              headers,
              ...(method === 'POST' ? { body: 'x' } : {}),
            }),
          );
          expect(result.statusCode).toBeLessThan(500);
          if (upstream.seen.length === 0) {
            outcomes.refused += 1;
            expect(result.statusCode).toBe(400);
            expect(JSON.parse(result.body ?? '')).toMatchObject({ error: 'bad_request' });
          } else {
            outcomes.forwarded += 1;
          }
          for (const seen of upstream.seen) {
            expect(fromClient(seen.headers)).toEqual([]);
          }
        },
      ),
      // A pool left short shows up as a run that cannot finish: fail it rather than hang.
      { numRuns: 500, interruptAfterTimeLimit: 45_000, markInterruptAsFailure: true },
    );

    // Both kinds in numbers, so the property said something about each.
    expect(outcomes.forwarded).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
    const started = performance.now();
    expect((await invoke(functionUrlEvent({ path: '/svc/hello' }))).statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  }, 60_000);
});

describe('Integration: header hygiene through wireGatewayFromEnv and the local server', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  const gateway = useGatewayServer(async (own) => {
    upstream = own(await startUpstream());
    return {
      routeTable: `
routes:
  - { id: svc, path: "/svc/*", methods: [GET, POST], upstream: "\${HYGIENE_UPSTREAM}/base/", strip_prefix: /svc, auth_required: false, timeout_ms: 2000 }
`,
      env: { HYGIENE_UPSTREAM: upstream.url },
      unset: ['SESSION_SECRET', 'REDIS_URL', 'REDIS_HOST'],
    };
  });
  beforeEach(() => {
    upstream.seen.length = 0;
  });

  it('strips raw-cased identity headers and Expect sent over real HTTP', async () => {
    const response = await send(gateway.url, {
      method: 'POST',
      path: '/svc/echo',
      headers: {
        X_User_Id: 'admin',
        'X-USER-ROLES': 'admin',
        'X-User-Permissions': '*',
        Forwarded: 'for=10.0.0.1',
        'X-Real-IP': '10.0.0.1',
        'X-Original-URL': '/admin',
        'X-Forwarded-Prefix': '/admin',
        'X-HTTP-Method-Override': 'DELETE',
        Expect: '100-continue',
        'Content-Type': 'text/plain',
      },
      body: 'hello',
    });

    expect(response.status).toBe(200);
    const received = upstream.seen[0]?.headers ?? {};
    expect(fromClient(received)).toEqual([]);
    expect(received.expect).toBeUndefined();
    expect(received['x-forwarded-for']).toBe('127.0.0.1');
    expect(received['x-forwarded-proto']).toBe('http');
    expect(received['x-forwarded-port']).toBe(new URL(gateway.url).port);
    expect(upstream.seen[0]?.body.toString()).toBe('hello');
  });

  it('refuses a non-ASCII header value with the 400 contract', async () => {
    const response = await send(gateway.url, {
      path: '/svc/echo',
      headers: { 'x-note': 'caf\u00e9' },
    });

    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'bad_request',
      message: 'The x-note header has a character that is not allowed',
    });
    expect(upstream.seen).toHaveLength(0);
  });

  it('rewrites an internal Location and drops a tossed session cookie', async () => {
    const redirect = await send(gateway.url, { path: '/svc/redirect-internal' });
    const cookies = await send(gateway.url, { path: '/svc/cookies' });

    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('/svc/next/step?a=1');
    expect(cookies.headers['set-cookie']).toEqual([
      'a=1; Path=/',
      'session_token_hint=kept',
      'Session_Token=kept',
    ]);
  });
});

describe('Integration: header hygiene on streamed answers (RESPONSE_STREAM mode)', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  const gateway = useGatewayServer(async (own) => {
    upstream = own(await startUpstream());
    const config = configFrom(
      `
routes:
  - { id: live, path: "/live/*", methods: [GET], upstream: "\${UP}/base/", strip_prefix: /live, auth_required: false, stream: true, timeout_ms: 2000 }
`,
      { UP: upstream.url },
    );
    return { parts: { config, upstream: own(fetchUpstream()), streaming: true } };
  });

  it('rewrites Location and drops a tossed session cookie and RateLimit headers', async () => {
    const redirect = await send(gateway.url, { path: '/live/redirect-internal' });
    const cookies = await send(gateway.url, { path: '/live/cookies' });
    const limited = await send(gateway.url, { path: '/live/ratelimit' });

    expect(redirect.headers.location).toBe('/live/next/step?a=1');
    expect(cookies.headers['set-cookie']).toEqual([
      'a=1; Path=/',
      'session_token_hint=kept',
      'Session_Token=kept',
    ]);
    expect(Object.keys(limited.headers).filter((name) => name.startsWith('ratelimit'))).toEqual([]);
    expect(limited.body.toString()).toBe('limited upstream');
  });
});
