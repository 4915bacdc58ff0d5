import fc from 'fast-check';
import { answered } from '../helpers/gateway-invariants';
import { type HostileRequest, hostileRequest } from '../helpers/hostile-requests';
import {
  CASE_POOL_CONNECTIONS,
  ROUTE_TIMEOUT_MS,
  startPropertyGateway,
} from '../helpers/property-gateway';
import { PROPERTY_TIMEOUT_MS, propertyParameters } from '../helpers/property-runs';

const DIRECT = {
  kind: 'direct',
  keepHeaderCase: false,
  cookiesIn: 'array',
  omit: [],
} as const satisfies HostileRequest['shape'];

/**
 * Requests undici refuses at dispatch: `Expect`, header values beyond Latin-1, non-ASCII paths (as a
 * Function URL can deliver them), and CR, LF or NUL in values, spaces in the query (direct invokes).
 */
const refusedByUndici: fc.Arbitrary<HostileRequest> = fc
  .record({
    kind: fc.constantFrom(
      'expect',
      'non-latin-1-value',
      'non-ascii-path',
      'control-value',
      'query-space',
    ),
    path: fc.constantFrom('/public/echo', '/api/x', '/docs/a'),
    value: fc.constantFrom('日本語', 'Ā', '😀', '\u2028'),
    control: fc.constantFrom('a\r\nX-Injected: 1', 'nul\u0000', 'a\nb'),
  })
  .map(({ kind, path, value, control }) => ({
    shape: kind === 'control-value' || kind === 'query-space' ? DIRECT : ('function-url' as const),
    method: kind === 'expect' && path === '/public/echo' ? 'POST' : 'GET',
    path: kind === 'non-ascii-path' ? `${path}/${value}` : path,
    query: kind === 'query-space' ? 'a=b c' : '',
    headers:
      kind === 'expect'
        ? ([['expect', '100-continue']] as const)
        : kind === 'non-latin-1-value'
          ? ([['x-note', value]] as const)
          : kind === 'control-value'
            ? ([['x-note', control]] as const)
            : [],
    cookies: [],
    ...(kind === 'expect' && path === '/public/echo' ? { body: { bytes: 'x' } } : {}),
    sourceIp: '203.0.113.5',
  }));

describe('Property: the connection pool still serves a normal request afterwards', () => {
  it(
    'serves a normal request after each case, sent as often as a fresh pool has connections',
    async () => {
      const gateway = await startPropertyGateway();
      try {
        await fc.assert(
          fc.asyncProperty(hostileRequest, async (request) => {
            gateway.renewPool();
            // As many sends as the pool has connections: a send that strands one starves the pool.
            for (let sent = 0; sent < CASE_POOL_CONNECTIONS; sent += 1) {
              const problem = answered(await gateway.exchange(request));
              if (problem) throw new Error(problem);
            }
            const normal = await gateway.normal();
            if (
              normal.status !== 200 ||
              !normal.arrived ||
              normal.elapsedMs > 3 * ROUTE_TIMEOUT_MS
            ) {
              throw new Error(
                `the normal request after it got ${normal.status} in ${Math.round(normal.elapsedMs)} ms (reached the upstream: ${normal.arrived})`,
              );
            }
          }),
          propertyParameters(),
        );
      } finally {
        await gateway.close();
      }
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'serves a normal request after twice the runs of requests undici refuses, on one shared pool of the default size',
    async () => {
      const gateway = await startPropertyGateway({ pool: {} });
      const statuses: Record<string, number> = {};
      let sent = 0;
      try {
        const runs = (propertyParameters().numRuns ?? 500) * 2;
        await fc.assert(
          fc.asyncProperty(refusedByUndici, async (request) => {
            const exchange = await gateway.exchange(request);
            const problem = answered(exchange);
            if (problem) throw new Error(problem);
            sent += 1;
            const status = String(exchange.result?.statusCode);
            statuses[status] = (statuses[status] ?? 0) + 1;
            // The upstream answers at once: a timeout means the pool has no connection left.
            if (status === '504') {
              throw new Error(
                `the shared pool stopped serving after ${sent} requests (statuses so far ${JSON.stringify(statuses)})`,
              );
            }
          }),
          // The damage adds up across cases: a shrunk case would say nothing, so none is made.
          propertyParameters({ numRuns: runs, endOnFailure: true }),
        );

        const normal = await gateway.normal();

        expect({ status: normal.status, arrived: normal.arrived }).toEqual({
          status: 200,
          arrived: true,
        });
        expect(normal.elapsedMs).toBeLessThan(3 * ROUTE_TIMEOUT_MS);
      } finally {
        await gateway.close();
      }
    },
    PROPERTY_TIMEOUT_MS,
  );
});
