import fc from 'fast-check';
import {
  answered,
  type Invariant,
  noClientIdentityHeaders,
  upstreamPathInScope,
} from '../helpers/gateway-invariants';
import {
  type HostileRequest,
  hostileHeaders,
  hostilePath,
  hostileQuery,
  identityHeader,
  STANDARD_METHODS,
  tokenPlan,
} from '../helpers/hostile-requests';
import {
  type PropertyGateway,
  ROUTE_METHODS,
  startPropertyGateway,
} from '../helpers/property-gateway';
import { PROPERTY_TIMEOUT_MS, propertyParameters } from '../helpers/property-runs';

/**
 * Requests that reach the upstream often: sendable, mostly with a session cookie, always with
 * identity headers, on hostile route-shaped paths.
 */
const forwardedOften: fc.Arbitrary<HostileRequest> = fc.record({
  shape: fc.constant('function-url' as const),
  method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'),
  path: hostilePath(true),
  query: hostileQuery(true),
  headers: fc
    .tuple(hostileHeaders(true), fc.array(identityHeader, { minLength: 1, maxLength: 4 }))
    .map(([others, identity]) => [...others, ...identity]),
  cookies: fc.oneof(
    {
      weight: 3,
      arbitrary: tokenPlan.map((plan) => [[{ name: 'session_token', value: { token: plan } }]]),
    },
    { weight: 1, arbitrary: fc.constant([]) },
  ),
  sourceIp: fc.constantFrom('203.0.113.9', '2001:db8::1'),
});

/** Clean paths whose most specific route is known, for the routing oracle. */
const routedPath = fc.oneof(
  fc
    .constantFrom('1', 'abc', 'me')
    .map((id) => ({ path: `/api/admin/${id}`, owner: 'admin' as const })),
  fc
    .constantFrom('1', 'abc', 'me')
    .map((id) => ({ path: `/api/users/${id}`, owner: 'users' as const })),
  fc
    .constantFrom('other', 'users/1/x', 'admin', 'admin/1/2', 'users')
    .map((rest) => ({ path: `/api/${rest}`, owner: 'api' as const })),
  fc
    .constantFrom('', '/a', '/a/b')
    .map((rest) => ({ path: `/docs${rest}`, owner: 'docs' as const })),
  fc
    .constantFrom('', '/a', '/a/b')
    .map((rest) => ({ path: `/public${rest}`, owner: 'public' as const })),
  fc.constantFrom('', '/a').map((rest) => ({ path: `/limited${rest}`, owner: 'limited' as const })),
  fc.constant({ path: '/canary', owner: 'canary' as const }),
  fc
    .constantFrom('/health/live', '/health/ready')
    .map((path) => ({ path, owner: 'health' as const })),
);

describe('Property: the upstream never sees more than the route allows', () => {
  let gateway: PropertyGateway;

  beforeAll(async () => {
    gateway = await startPropertyGateway();
  });
  afterAll(() => gateway?.close());

  const holds = (invariant: Invariant) =>
    fc.assert(
      fc.asyncProperty(forwardedOften, async (request) => {
        gateway.renewPool();
        const problem = invariant(await gateway.exchange(request));
        if (problem) throw new Error(problem);
      }),
      propertyParameters(),
    );

  it(
    'never passes an identity or routing header from the client to the upstream, in any spelling',
    () => holds(noClientIdentityHeaders),
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'forwards only paths the upstream reads inside the matched route, and protected ones only with the permission',
    () => holds(upstreamPathInScope),
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'answers 405 with Allow when the most specific route does not allow the method, never a broader route',
    () =>
      fc.assert(
        fc.asyncProperty(
          routedPath,
          fc.constantFrom(...STANDARD_METHODS, 'TRACE'),
          async ({ path, owner }, method) => {
            gateway.renewPool();
            const exchange = await gateway.exchange({
              shape: 'function-url',
              method,
              path,
              query: '',
              headers: [],
              cookies: [],
              sourceIp: '203.0.113.50',
            });
            const problem = answered(exchange);
            if (problem) throw new Error(problem);
            const allowed: readonly string[] = ROUTE_METHODS[owner];
            const status = exchange.result?.statusCode;
            if (allowed.includes(method)) {
              if (status === 405)
                throw new Error(`${method} ${path} is allowed on ${owner} but got 405`);
              return;
            }
            const allow = (exchange.result?.headers.allow ?? '')
              .split(',')
              .map((m) => m.trim())
              .filter(Boolean)
              .sort();
            if (
              status !== 405 ||
              allow.join(',') !== [...allowed].sort().join(',') ||
              exchange.seen.length > 0
            ) {
              throw new Error(
                `${method} ${path} (route ${owner}: ${allowed.join(',')}) answered ${status} Allow: ${allow.join(',')}; upstream saw ${exchange.seen.map((s) => s.url).join(' | ') || 'nothing'}`,
              );
            }
          },
        ),
        propertyParameters(),
      ),
    PROPERTY_TIMEOUT_MS,
  );
});
