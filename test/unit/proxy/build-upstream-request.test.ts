import { PayloadTooLargeError } from '../../../functions/gateway/http/errors';
import { buildUpstreamRequest } from '../../../functions/gateway/proxy/build-upstream-request';
import { RouteTable } from '../../../functions/gateway/routing/route-table';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { configFrom } from '../../helpers/test-gateway';

const config = configFrom(`
routes:
  - { path: "/api/*", methods: [GET, POST], upstream: "http://svc.internal:8080/base/", strip_prefix: /api, max_body_bytes: 8, auth_required: false }
`);
const table = new RouteTable(config.routes);

const build = (options: Parameters<typeof functionUrlEvent>[0]) => {
  const event = functionUrlEvent(options);
  return buildUpstreamRequest(event, table.match(event.requestContext.http.method, event.rawPath), {
    correlationId: 'corr-1',
    sessions: config.sessions,
  });
};

describe('Proxy: buildUpstreamRequest', () => {
  it('joins the upstream base path with the raw path and query, byte for byte', () => {
    const request = build({ path: '/api/a%20b/%7Euser', query: 'q=a%20b&q=c&empty=&x' });

    expect(request.url).toBe('http://svc.internal:8080/base/a%20b/%7Euser?q=a%20b&q=c&empty=&x');
  });

  it('drops hop-by-hop headers, including those Connection names', () => {
    const request = build({
      path: '/api/x',
      headers: {
        connection: 'keep-alive, x-internal-hop',
        'keep-alive': 'timeout=5',
        'x-internal-hop': '1',
        te: 'trailers',
        upgrade: 'websocket',
        'proxy-authorization': 'Basic abc',
        'transfer-encoding': 'chunked',
        'x-custom': 'kept',
      },
    });

    expect(request.headers).toEqual({
      'user-agent': 'jest',
      'x-custom': 'kept',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'abc123.lambda-url.eu-west-1.on.aws',
      'x-correlation-id': 'corr-1',
    });
  });

  it('appends the source IP to X-Forwarded-For once', () => {
    expect(
      build({ path: '/api/x', headers: { 'x-forwarded-for': '198.51.100.1' } }).headers[
        'x-forwarded-for'
      ],
    ).toBe('198.51.100.1, 203.0.113.9');
    expect(
      build({ path: '/api/x', headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' } })
        .headers['x-forwarded-for'],
    ).toBe('198.51.100.1, 203.0.113.9');
  });

  it('does not trust a client-sent X-Forwarded-Host or correlation header', () => {
    const request = build({
      path: '/api/x',
      headers: { 'x-forwarded-host': 'evil.example', 'x-correlation-id': 'spoof' },
    });

    expect(request.headers['x-forwarded-host']).toBe('abc123.lambda-url.eu-west-1.on.aws');
    expect(request.headers['x-correlation-id']).toBe('corr-1');
  });

  it('rebuilds the Cookie header from the event cookies', () => {
    expect(build({ path: '/api/x', cookies: ['a=1', 'b=2'] }).headers.cookie).toBe('a=1; b=2');
  });

  it('decodes a base64 body to its bytes', () => {
    const bytes = Buffer.from([0, 255, 1, 254]);

    const request = build({ method: 'POST', path: '/api/x', body: bytes });

    expect(Buffer.from(request.body ?? [])).toEqual(bytes);
  });

  it('counts the limit in bytes, not characters', () => {
    // 3 x 3-byte characters = 9 bytes > 8.
    expect(() => build({ method: 'POST', path: '/api/x', body: '€€€' })).toThrow(
      PayloadTooLargeError,
    );
    expect(() => build({ method: 'POST', path: '/api/x', body: '12345678' })).not.toThrow();
  });

  it('refuses a body on GET', () => {
    expect(() => build({ method: 'GET', path: '/api/x', body: 'x' })).toThrow(
      'A GET request must not have a body',
    );
  });
});
