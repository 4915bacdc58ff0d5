import { ConfigError } from '../../../functions/gateway/config/config-error';
import type { RouteConfig } from '../../../functions/gateway/config/schema';
import {
  BadRequestError,
  MethodNotAllowedError,
  NotFoundError,
} from '../../../functions/gateway/http/errors';
import { RouteTable } from '../../../functions/gateway/routing/route-table';
import { configFrom } from '../../helpers/test-gateway';

const routes = (yaml: string): RouteConfig[] => configFrom(`routes:\n${yaml}`).routes;

const table = new RouteTable(
  routes(`
  - { id: user, path: "/api/users/{id}", methods: [GET, PUT], upstream: "http://users", strip_prefix: /api }
  - { id: me, path: "/api/users/me", methods: [GET], upstream: "http://users" }
  - { id: user-orders, path: "/api/users/{id}/orders/{orderId}", methods: [GET], upstream: "http://orders" }
  - { id: api, path: "/api/*", methods: [GET, POST], upstream: "http://legacy" }
  - { id: files, path: "/files/*", methods: [GET], upstream: "http://files/storage", strip_prefix: /files }
  - { id: root, path: "/", methods: [GET], upstream: "http://home" }
`),
);

const matchId = (method: string, path: string) => table.match(method, path).route.id;

describe('Routing: RouteTable', () => {
  it('captures {param} segments, percent-decoded', () => {
    const matched = table.match('GET', '/api/users/42/orders/a%20b');

    expect(matched.route.id).toBe('user-orders');
    expect(matched.params).toEqual({ id: '42', orderId: 'a b' });
  });

  it('prefers a literal segment over a parameter', () => {
    expect(matchId('GET', '/api/users/me')).toBe('me');
    expect(matchId('GET', '/api/users/you')).toBe('user');
  });

  it('prefers an exact route over a prefix route', () => {
    expect(matchId('GET', '/api/users/7')).toBe('user');
    expect(matchId('GET', '/api/other/thing')).toBe('api');
  });

  it('matches a prefix route at its root, with and without a trailing slash', () => {
    expect(matchId('GET', '/files')).toBe('files');
    expect(matchId('GET', '/files/')).toBe('files');
    expect(matchId('GET', '/files/a/b/c.txt')).toBe('files');
  });

  it('answers 405 for a method the most specific route lacks, never falling to a broader route', () => {
    // /api/users/{id} has no POST; /api/* has, but it is broader.
    const act = () => table.match('POST', '/api/users/7');

    expect(act).toThrow(MethodNotAllowedError);
    expect(act).toThrow(expect.objectContaining({ headers: { allow: 'GET, HEAD, PUT' } }));
  });

  it('lets a method fall through to a broader route when the specific route says so', () => {
    const t = new RouteTable(
      routes(`
  - { id: user, path: "/api/users/{id}", methods: [GET], upstream: "http://users", method_fallthrough: true }
  - { id: api, path: "/api/*", methods: [GET, POST], upstream: "http://users" }
`),
    );

    expect(t.match('POST', '/api/users/7').route.id).toBe('api');
    expect(t.match('GET', '/api/users/7').route.id).toBe('user');
  });

  it('chooses by method among routes of the same shape, and answers 405 with all their methods', () => {
    const t = new RouteTable(
      routes(`
  - { id: read, path: "/docs/{id}", methods: [GET], upstream: "http://docs" }
  - { id: write, path: "/docs/{id}", methods: [PUT], upstream: "http://docs", permissions: [docs:write] }
  - { id: any, path: "/*", methods: [DELETE], upstream: "http://docs" }
`),
    );

    expect(t.match('GET', '/docs/1').route.id).toBe('read');
    expect(t.match('PUT', '/docs/1').route.id).toBe('write');
    expect(() => t.match('DELETE', '/docs/1')).toThrow(
      expect.objectContaining({ statusCode: 405, headers: { allow: 'GET, HEAD, PUT' } }),
    );
  });

  it('answers 405 with Allow when the path is known but no route allows the method', () => {
    const act = () => table.match('DELETE', '/api/users/me');

    expect(act).toThrow(MethodNotAllowedError);
    try {
      act();
    } catch (error) {
      expect((error as MethodNotAllowedError).headers).toEqual({ allow: 'GET, HEAD' });
      expect((error as MethodNotAllowedError).statusCode).toBe(405);
    }
  });

  it('answers HEAD wherever GET is allowed', () => {
    expect(matchId('HEAD', '/')).toBe('root');
  });

  it('answers 404 when no route has the path', () => {
    expect(() => table.match('GET', '/nothing/here')).toThrow(NotFoundError);
    expect(() => table.match('GET', '/apis/users')).toThrow(NotFoundError);
  });

  it('keeps the raw path for upstream, minus strip_prefix segments', () => {
    expect(table.match('GET', '/api/users/a%20b').upstreamPath).toBe('/users/a%20b');
    expect(table.match('GET', '/files/x%20y/z').upstreamPath).toBe('/x%20y/z');
    expect(table.match('GET', '/files').upstreamPath).toBe('/');
    expect(table.match('GET', '/api/users/me').upstreamPath).toBe('/api/users/me');
  });

  it.each([
    ['/api/../admin', 'dot_segment'],
    ['/api/%2e%2e/admin', 'dot_segment'],
    ['/api//users', 'empty_segment'],
    ['/api/%zz', 'bad_path_encoding'],
    ['/api/..\\users\\1', 'bad_path_character'],
    ['/api/users\\1', 'bad_path_character'],
    ['/api/a%2Fb', 'encoded_separator'],
    ['/api/a%2fb', 'encoded_separator'],
    ['/api/..%5Cusers', 'encoded_separator'],
    ['/api/a%00b', 'encoded_separator'],
    ['/api/..;/admin', 'dot_segment'],
    ['/api/.;x/admin', 'dot_segment'],
    ['/api/a b', 'bad_path_character'],
    ['/api/caf\u00e9', 'bad_path_character'],
    ['/api/a#b', 'bad_path_character'],
  ])('refuses the ambiguous path %s with 400', (path, reason) => {
    expect(() => table.match('GET', path)).toThrow(BadRequestError);
    try {
      table.match('GET', path);
    } catch (error) {
      expect((error as BadRequestError).reason).toBe(reason);
    }
  });

  it('refuses two routes of the same shape that share a method', () => {
    const act = () =>
      new RouteTable(
        routes(`
  - { path: "/a/{x}", methods: [GET], upstream: "http://a" }
  - { path: "/a/{y}", methods: [POST, GET], upstream: "http://b" }
`),
      );

    expect(act).toThrow(ConfigError);
    expect(act).toThrow('routes[1].path: GET /a/{y} overlaps routes[0] (/a/{x})');
  });

  it('refuses duplicate route ids', () => {
    expect(
      () =>
        new RouteTable(
          routes(`
  - { id: same, path: "/a", methods: [GET], upstream: "http://a" }
  - { id: same, path: "/b", methods: [GET], upstream: "http://b" }
`),
        ),
    ).toThrow('routes[1].id: "same" is already used by routes[0]');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'answers 404, not a crash, for the path %s',
    (name) => {
      expect(() => table.match('GET', name)).toThrow(BadRequestError);
      expect(() => table.match('GET', `/${name}`)).toThrow(NotFoundError);
    },
  );

  it('uses the path as the route id when none is given', () => {
    const t = new RouteTable(
      routes('  - { path: "/x/{id}", methods: [GET], upstream: "http://x" }'),
    );

    expect(t.match('GET', '/x/1').route.id).toBe('/x/{id}');
  });
});
