import { BadRequestError, PayloadTooLargeError } from '../../../functions/gateway/http/errors';
import { buildUpstreamRequest } from '../../../functions/gateway/proxy/build-upstream-request';
import { forwardPolicy } from '../../../functions/gateway/proxy/forward-policy';
import { RouteTable } from '../../../functions/gateway/routing/route-table';
import type { UserContext } from '../../../functions/gateway/sessions/session-types';
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
    forwarding: forwardPolicy(config.sessions),
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
      'x-forwarded-port': '443',
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

describe('Proxy: buildUpstreamRequest refuses what the HTTP client would refuse', () => {
  const refusal = (run: () => unknown): BadRequestError => {
    try {
      run();
    } catch (error) {
      if (error instanceof BadRequestError) return error;
      throw error;
    }
    throw new Error('expected a BadRequestError, got none');
  };

  it.each([
    ['CR LF', 'a\r\nx-injected: 1'],
    ['a bare LF', 'a\nb'],
    ['a bare CR', 'a\rb'],
    ['NUL', 'a\u0000b'],
    ['another control character', 'a\u0001b'],
    ['DEL', 'a\u007fb'],
    ['a character beyond Latin-1', 'caf\u20ac'],
    ['obs-text (Latin-1 beyond ASCII)', 'caf\u00e9'],
  ])('refuses a header value with %s (400, invalid_header_value)', (_, value) => {
    const error = refusal(() => build({ path: '/api/x', headers: { 'x-custom': value } }));

    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('bad_request');
    expect(error.reason).toBe('invalid_header_value');
    expect(error.message).toBe('The x-custom header has a character that is not allowed');
  });

  it('refuses a header value that is not a string, as only a hand-made event could carry', () => {
    const event = functionUrlEvent({ path: '/api/x' });
    const headers = { ...event.headers, 'x-custom': { toString: () => 'v' } };

    const error = refusal(() =>
      buildUpstreamRequest(
        { ...event, headers: headers as unknown as Record<string, string> },
        table.match('GET', '/api/x'),
        { correlationId: 'corr-1', forwarding: forwardPolicy(config.sessions) },
      ),
    );

    expect(error.reason).toBe('invalid_header_value');
  });

  it('keeps a value with HTAB and spaces inside', () => {
    expect(build({ path: '/api/x', headers: { 'x-custom': 'a\tb c' } }).headers['x-custom']).toBe(
      'a\tb c',
    );
  });

  it.each([
    ['a space', 'x custom'],
    ['a colon', 'x:custom'],
    ['a CR LF', 'x\r\ncustom'],
    ['a NUL', 'x\u0000'],
    ['a non-ASCII letter', 'x-caf\u00e9'],
    ['the Kelvin sign, which lower-cases to an ASCII k', 'x-\u212aey'],
    ['a pseudo-header colon', ':authority'],
    ['nothing', ''],
  ])('refuses a header name with %s (400, invalid_header_name)', (_, name) => {
    const error = refusal(() => build({ path: '/api/x', headers: { [name]: 'v' } }));

    expect(error.statusCode).toBe(400);
    expect(error.reason).toBe('invalid_header_name');
    // The bad name itself is not echoed: it may carry control characters.
    expect(error.message).toBe('A header name has a character that is not allowed');
  });

  it('leaves out a cookie with a control character or non-ASCII, and forwards the others', () => {
    const request = build({
      path: '/api/x',
      cookies: ['a=1\r\nx-injected: 1', 'theme=dark', 'name=caf\u00e9', 'b=\u0000'],
    });

    expect(request.headers.cookie).toBe('theme=dark');
  });

  it('drops Expect, whatever its case or value: the body has already been read', () => {
    const request = build({
      method: 'POST',
      path: '/api/x',
      headers: { Expect: '100-continue', expect: '100-continue' },
      body: 'x',
    });

    expect(Object.keys(request.headers).map((name) => name.toLowerCase())).not.toContain('expect');
  });

  it("drops the incoming X-Amzn-Trace-Id: the trace context upstream is the gateway tracer's", () => {
    const request = build({
      path: '/api/x',
      headers: { 'X-Amzn-Trace-Id': 'Root=1-67a1b2c3-0123456789abcdef01234567;Sampled=1' },
    });

    expect(Object.keys(request.headers).map((name) => name.toLowerCase())).not.toContain(
      'x-amzn-trace-id',
    );
  });

  it.each([
    ['a space in the path', '/api/a b', ''],
    ['a raw non-ASCII character in the path', '/api/caf\u00e9', ''],
    ['a character beyond Latin-1 in the path', '/api/\u20ac', ''],
    ['a control character in the path', '/api/a\u0001', ''],
    ['a fragment in the path', '/api/a#frag', ''],
  ])('refuses a request target with %s (400, at routing already)', (_, path, query) => {
    const error = refusal(() => build({ path, query }));

    expect(error.statusCode).toBe(400);
    expect(error.reason).toBe('bad_path_character');
  });

  it.each([
    ['a space in the query', '/api/x', 'q=a b'],
    ['a CR LF in the query', '/api/x', 'q=a\r\nx-injected: 1'],
    ['a tab in the query', '/api/x', 'q=\t'],
    ['a fragment in the query', '/api/x', 'q=1#frag'],
    ['a character beyond Latin-1 in the query', '/api/x', 'q=\u20ac'],
  ])('refuses a request target with %s (400, invalid_request_target)', (_, path, query) => {
    const error = refusal(() => build({ path, query }));

    expect(error.statusCode).toBe(400);
    expect(error.reason).toBe('invalid_request_target');
    expect(error.message).toBe('The path or query has a character that cannot be forwarded');
  });

  it('forwards every character routing lets through the path, and every printable one of a query, unchanged', () => {
    const request = build({
      path: "/api/a-._~!$&'()*+,;=:@%20[]|^",
      query: 'q=a-._~!$&\'()*+,;=:@%20/?[]{}|^`"<>',
    });

    expect(request.path).toBe(
      "/base/a-._~!$&'()*+,;=:@%20[]|^?q=a-._~!$&'()*+,;=:@%20/?[]{}|^`\"<>",
    );
  });
});

describe('Proxy: buildUpstreamRequest removes identity and routing headers sent by clients', () => {
  const custom = configFrom(`
routes:
  - { path: "/api/*", methods: [GET], upstream: "http://svc.internal:8080/", strip_prefix: /api, auth_required: false }
sessions:
  user_headers: { user_id: X-Principal, roles: X-Principal-Groups }
`);
  const customTable = new RouteTable(custom.routes);
  const buildWith = (headers: Record<string, string>, user?: UserContext) => {
    const event = functionUrlEvent({ path: '/api/x', headers });
    return buildUpstreamRequest(event, customTable.match('GET', '/api/x'), {
      correlationId: 'corr-1',
      forwarding: forwardPolicy(custom.sessions),
      ...(user ? { user } : {}),
    });
  };

  const spoofed = {
    // Default user-context names, configured or not, in any case and with `_` for `-`.
    'X-User-Id': 'admin',
    x_user_id: 'admin',
    X_USER_ROLES: 'admin',
    'x-user-permissions': '*',
    'x.user.permissions': '*',
    // The configured names, the same ways.
    'x-principal': 'admin',
    X_Principal_Groups: 'admin',
    // The Forwarded family.
    forwarded: 'for=10.0.0.1;host=internal;proto=https',
    'x-forwarded-prefix': '/admin',
    'x-forwarded-server': 'internal',
    'x-forwarded-user': 'admin',
    x_forwarded_host: 'evil.example',
    // Client-address family.
    'x-real-ip': '10.0.0.1',
    'true-client-ip': '10.0.0.1',
    'x-client-ip': '10.0.0.1',
    'cf-connecting-ip': '10.0.0.1',
    'x-cluster-client-ip': '10.0.0.1',
    // Rewrite and method-override family.
    'x-original-url': '/admin',
    'x-original-uri': '/admin',
    'x-rewrite-url': '/admin',
    'x-http-method-override': 'DELETE',
    'x-http-method': 'DELETE',
    'x-method-override': 'DELETE',
    // Identities other auth proxies hand to their upstreams.
    'x-remote-user': 'admin',
    'remote-user': 'admin',
    'x-auth-request-user': 'admin',
    // Gateway-owned, with `_` for `-`.
    x_correlation_id: 'spoof',
    content_length: '0',
    transfer_encoding: 'chunked',
  };

  it('forwards none of them on a public route', () => {
    const request = buildWith({ ...spoofed, 'x-custom': 'kept', 'x-user-agent-hint': 'kept' });

    expect(request.headers).toEqual({
      'user-agent': 'jest',
      'x-custom': 'kept',
      'x-user-agent-hint': 'kept',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'abc123.lambda-url.eu-west-1.on.aws',
      'x-forwarded-port': '443',
      'x-correlation-id': 'corr-1',
    });
  });

  it('sets only the session user on a protected route', () => {
    const request = buildWith(spoofed, {
      userId: 'alice',
      roles: ['reader'],
      permissions: new Set(['users:read']),
    });

    expect(request.headers['x-principal']).toBe('alice');
    expect(request.headers['x-principal-groups']).toBe('reader');
    const names = Object.keys(request.headers);
    expect(names.filter((name) => /^x-(user|principal)/.test(name))).toEqual([
      'x-principal',
      'x-principal-groups',
    ]);
  });

  it('keeps the X-Forwarded-For chain and appends the source IP once', () => {
    expect(buildWith({ 'x-forwarded-for': '198.51.100.1' }).headers['x-forwarded-for']).toBe(
      '198.51.100.1, 203.0.113.9',
    );
    const spoofedChain = buildWith({ X_Forwarded_For: '198.51.100.1' }).headers;
    expect(spoofedChain['x-forwarded-for']).toBe('203.0.113.9');
    expect(spoofedChain.x_forwarded_for).toBeUndefined();
  });

  it('takes X-Forwarded-Port from the front end and proto, never a bad value', () => {
    expect(
      buildWith({ 'x-forwarded-proto': 'http', 'x-forwarded-port': '8080' }).headers[
        'x-forwarded-port'
      ],
    ).toBe('8080');
    expect(buildWith({ 'x-forwarded-proto': 'http' }).headers['x-forwarded-port']).toBe('80');
    expect(buildWith({ 'x-forwarded-port': '99999' }).headers['x-forwarded-port']).toBe('443');
  });
});
