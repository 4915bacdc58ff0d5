import fc from 'fast-check';
import { answered, authenticatedSession } from '../helpers/gateway-invariants';
import { cookiePair, type HostileRequest } from '../helpers/hostile-requests';
import {
  type PropertyGateway,
  SESSIONS,
  sessionGrants,
  sessionIsLive,
  startPropertyGateway,
} from '../helpers/property-gateway';
import { PROPERTY_TIMEOUT_MS, propertyParameters } from '../helpers/property-runs';

/** Requests to protected routes that differ only in their cookies (duplicates, forgeries, odd names). */
const cookieRequest: fc.Arbitrary<HostileRequest> = fc
  .record({
    target: fc.constantFrom(
      { path: '/api/users/7', permission: 'users:read' },
      { path: '/api/admin/7', permission: 'admin:all' },
    ),
    method: fc.constantFrom('GET', 'HEAD'),
    cookies: fc.array(fc.array(cookiePair, { minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: 2,
    }),
    shape: fc.oneof(
      { weight: 3, arbitrary: fc.constant('function-url' as const) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('direct' as const),
          keepHeaderCase: fc.constant(false),
          cookiesIn: fc.constantFrom('array' as const, 'header' as const, 'array-whole' as const),
          omit: fc.constant([]),
        }),
      },
    ),
  })
  .map(({ target, method, cookies, shape }) => ({
    shape,
    method,
    path: target.path,
    query: '',
    headers: [['accept', 'application/json']] as const,
    cookies,
    sourceIp: '203.0.113.77',
  }));

describe('Property: only the exact cookie of a live session authenticates', () => {
  let gateway: PropertyGateway;

  beforeAll(async () => {
    gateway = await startPropertyGateway();
  });
  afterAll(() => gateway?.close());

  it(
    'answers 200 for the minted token of a session holding the permission, 403 without it, 401 for anything else',
    () =>
      fc.assert(
        fc.asyncProperty(cookieRequest, async (request) => {
          gateway.renewPool();
          const exchange = await gateway.exchange(request);
          const problem = answered(exchange);
          if (problem) throw new Error(problem);
          const permission = request.path.startsWith('/api/users/') ? 'users:read' : 'admin:all';
          const user = authenticatedSession(exchange.event);
          const expected =
            !user || !sessionIsLive(user) ? 401 : sessionGrants(user, permission) ? 200 : 403;
          const status = exchange.result?.statusCode;
          if (status !== expected) {
            throw new Error(
              `expected ${expected} for ${user ?? 'no valid session'}, got ${status} ${exchange.result?.body ?? ''}`,
            );
          }
          if (expected === 200) {
            const seen = exchange.seen[0];
            if (
              exchange.seen.length !== 1 ||
              !user ||
              seen?.headers['x-user-id'] !== SESSIONS[user].userId
            )
              throw new Error(
                `the upstream saw ${exchange.seen.length} requests, X-User-Id ${String(seen?.headers['x-user-id'])}`,
              );
          } else if (exchange.seen.length > 0) {
            throw new Error(`refused with ${status} but the upstream received it`);
          }
        }),
        propertyParameters(),
      ),
    PROPERTY_TIMEOUT_MS,
  );
});
