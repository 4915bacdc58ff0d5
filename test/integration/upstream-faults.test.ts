import { fetchUpstream } from '../../functions/gateway/proxy/fetch-upstream';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { closedPort, startMisbehavingUpstream } from '../helpers/misbehaving-upstream';

const ROUTE_TIMEOUT_MS = 400;
/** Generous: the route's deadline plus scheduling noise on a loaded 2-core machine. */
const ANSWER_BOUND_MS = ROUTE_TIMEOUT_MS + 1_000;

/**
 * Upstream faults through the product as `npm start` runs it: a route table file, the
 * environment, `wireGatewayFromEnv`, the local HTTP server. For each fault: the status and error,
 * a bound on the wait, the reason in the log line, the metric, and a normal request right after.
 */
describe('Integration: upstream faults through wireGatewayFromEnv and the local server', () => {
  let upstream: Awaited<ReturnType<typeof startMisbehavingUpstream>>;
  const gateway = useGatewayServer(async (own) => {
    upstream = own(await startMisbehavingUpstream());
    return {
      routeTable: `
routes:
  - { id: bad, path: "/bad/*", methods: [GET, PUT, POST, DELETE], upstream: "\${BAD_UPSTREAM}", strip_prefix: /bad, auth_required: false, timeout_ms: ${ROUTE_TIMEOUT_MS} }
  - { id: refused, path: "/refused/*", methods: [GET, POST], upstream: "http://127.0.0.1:\${CLOSED_PORT}", strip_prefix: /refused, auth_required: false, timeout_ms: ${ROUTE_TIMEOUT_MS} }
`,
      env: { BAD_UPSTREAM: upstream.url, CLOSED_PORT: String(await closedPort()) },
    };
  });
  const { output } = gateway;

  const failureLine = () => output.json().find((line) => line.message === 'request failed');
  const dependencyErrorCounted = (dependency: string): boolean =>
    output
      .json()
      .some(
        (line) =>
          line.dependency === dependency &&
          typeof line.DependencyErrors === 'number' &&
          '_aws' in line,
      );

  /** Sends, measures, and proves the route still serves a normal request right after. */
  const fault = async (path: string, method = 'GET') => {
    const started = performance.now();
    const response = await send(gateway.url, {
      method,
      path,
      ...(method === 'GET'
        ? {}
        : { body: 'x', headers: { 'content-type': 'text/plain', 'content-length': '1' } }),
    });
    const waitedMs = performance.now() - started;
    const after = await send(gateway.url, { path: '/bad/normal' });
    expect(after.status).toBe(200);
    expect(after.body.toString()).toBe('ok /normal');
    return { response, waitedMs, body: response.json() };
  };

  it.each([
    ['GET', '/hang', 504, 'upstream_timeout', /^upstream_timeout_headers$/],
    ['GET', '/stall-mid-body', 504, 'upstream_timeout', /^upstream_timeout_body$/],
    ['GET', '/garbage', 502, 'bad_gateway', /^upstream_headers_(hpe_.+|invalid_response)$/],
    ['GET', '/huge-head', 502, 'bad_gateway', /^upstream_headers_und_err_headers_overflow$/],
  ])('%s %s answers %i %s within the route budget', async (method, path, status, error, reason) => {
    const { response, waitedMs, body } = await fault(`/bad${path}`, method);

    expect(response.status).toBe(status);
    expect(body).toMatchObject({ error, correlation_id: expect.any(String) });
    expect(waitedMs).toBeLessThan(ANSWER_BOUND_MS);
    expect(String(failureLine()?.reason)).toMatch(reason);
    expect(dependencyErrorCounted('upstream')).toBe(true);
  });

  it.each(['GET', 'PUT', 'DELETE', 'POST'])(
    'sends a %s that the upstream read and then dropped only once (502, no retry)',
    async (method) => {
      const before = upstream.seen('/close-after-read');

      const { response, body } = await fault('/bad/close-after-read', method);

      expect(response.status).toBe(502);
      expect(body).toMatchObject({ error: 'bad_gateway' });
      expect(upstream.seen('/close-after-read') - before).toBe(1);
      expect(failureLine()).toMatchObject({ reason: 'upstream_headers_closed' });
    },
  );

  it('sends a PUT that the upstream read and then reset only once', async () => {
    const before = upstream.seen('/reset-after-read');

    const { response } = await fault('/bad/reset-after-read', 'PUT');

    expect(response.status).toBe(502);
    expect(upstream.seen('/reset-after-read') - before).toBe(1);
  });

  it('answers an unasked 100 Continue with one 502 and never sends the request twice', async () => {
    const before = upstream.seen('/continue-unasked');

    const { response } = await fault('/bad/continue-unasked');

    expect(response.status).toBe(502);
    expect(upstream.seen('/continue-unasked') - before).toBe(1);
    expect(failureLine()).toMatchObject({ reason: 'upstream_headers_bad_response' });
  });

  it('passes over 103 Early Hints to the final answer', async () => {
    const response = await send(gateway.url, { path: '/bad/early-hints' });

    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('after hints');
  });

  it('answers 502 for a refused connection, naming the connect stage', async () => {
    const started = performance.now();

    const response = await send(gateway.url, { path: '/refused/x' });

    expect(response.status).toBe(502);
    expect(performance.now() - started).toBeLessThan(ANSWER_BOUND_MS);
    expect(failureLine()).toMatchObject({ reason: 'upstream_connect_econnrefused' });
  });

  it('still serves the upstream after hundreds of requests carrying Expect: 100-continue', async () => {
    for (let i = 0; i < 500; i += 1) {
      const response = await send(gateway.url, {
        method: 'POST',
        path: '/bad/normal',
        headers: { expect: '100-continue', 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(response.status).toBeLessThan(500);
    }

    const after = await send(gateway.url, { path: '/bad/normal' });

    expect(after.status).toBe(200);
  }, 30_000);
});

describe('Integration: a request undici refuses can never leave its pool short', () => {
  it('serves a normal request after thousands of refused dispatches on 4 connections', async () => {
    const upstream = await startMisbehavingUpstream();
    const proxy = fetchUpstream({ connectionsPerOrigin: 4 });
    const request = {
      url: `${upstream.url}/normal`,
      origin: upstream.url,
      path: '/normal',
      method: 'POST',
      timeoutMs: 2_000,
    };
    const refusedHeaders: Record<string, string>[] = [
      { expect: '100-continue' },
      { 'x-bad': 'a\r\nb' },
      { 'x-bad': 'nul\u0000' },
      { 'x-bad': 'snowman \u2603' },
      { 'bad name': 'x' },
      { upgrade: 'websocket' },
    ];
    try {
      for (let i = 0; i < 3_000; i += 1) {
        const headers = refusedHeaders[i % refusedHeaders.length] ?? {};
        await expect(
          proxy.forward({ ...request, headers, body: Buffer.from('x') }),
        ).rejects.toMatchObject({ statusCode: 400, reason: 'unsendable_request' });
      }
      await expect(
        proxy.forward({ ...request, path: '/has space', headers: {} }),
      ).rejects.toMatchObject({ statusCode: 400 });

      const answers = await Promise.all(
        Array.from({ length: 20 }, () => proxy.forward({ ...request, method: 'GET', headers: {} })),
      );

      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    } finally {
      await proxy.close();
      await upstream.close();
    }
  }, 30_000);
});
