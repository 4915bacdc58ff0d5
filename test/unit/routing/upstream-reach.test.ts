import { ConfigError } from '../../../functions/gateway/config/config-error';
import { loadConfig } from '../../../functions/gateway/loader/load-config';
import { RouteTable } from '../../../functions/gateway/routing/route-table';
import { configFrom } from '../../helpers/test-gateway';

const tableFrom = (yaml: string) => new RouteTable(configFrom(`routes:\n${yaml}`).routes);

describe('Routing: a weaker route must not reach a protected route upstream', () => {
  it('refuses a public prefix route stripped onto the upstream root of a protected route', () => {
    const act = () =>
      tableFrom(`
  - { id: demo, path: "/demo/*", methods: [GET], upstream: "http://svc:8081", strip_prefix: /demo, auth_required: false }
  - { id: users, path: "/api/users/{id}", methods: [GET], upstream: "http://svc:8081", strip_prefix: /api, permissions: [users:read] }
`);

    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      'route "demo" (/demo/*) reaches http://svc:8081/users/{id}, the upstream of route "users" (/api/users/{id}), without a session',
    );
  });

  it('accepts a broader public route that every path to the protected upstream passes by', () => {
    // /api/admin/1 goes to "admin" for GET and is a 405 for other methods (see route-table tests).
    expect(() =>
      tableFrom(`
  - { id: admin, path: "/api/admin/{id}", methods: [GET], upstream: "http://svc", strip_prefix: /api }
  - { id: api, path: "/api/*", methods: [GET, POST, DELETE], upstream: "http://svc", strip_prefix: /api, auth_required: false }
`),
    ).not.toThrow();
  });

  it('refuses that pair once the protected route lets other methods fall through', () => {
    const act = () =>
      tableFrom(`
  - { id: admin, path: "/api/admin/{id}", methods: [GET], upstream: "http://svc", strip_prefix: /api, method_fallthrough: true }
  - { id: api, path: "/api/*", methods: [GET, POST, DELETE], upstream: "http://svc", strip_prefix: /api, auth_required: false }
`);

    expect(act).toThrow('route "api" (/api/*) reaches http://svc/admin/{id}');
  });

  it('refuses a more specific public carve-out of a protected upstream path', () => {
    const act = () =>
      tableFrom(`
  - { id: me, path: "/api/users/me", methods: [GET], upstream: "http://svc", auth_required: false }
  - { id: users, path: "/api/users/{id}", methods: [GET], upstream: "http://svc" }
`);

    expect(act).toThrow('route "me" (/api/users/me) reaches http://svc/api/users/{id}');
  });

  it('accepts per-method routes of one path with different permissions', () => {
    expect(() =>
      tableFrom(`
  - { id: read, path: "/docs/{id}", methods: [GET], upstream: "http://svc", permissions: [docs:read] }
  - { id: write, path: "/docs/{id}", methods: [PUT], upstream: "http://svc", permissions: [docs:write] }
`),
    ).not.toThrow();
  });

  it('refuses a route that skips permissions the other route requires', () => {
    const act = () =>
      tableFrom(`
  - { id: read, path: "/read/*", methods: [GET], upstream: "http://svc/docs", strip_prefix: /read, permissions: [docs:read] }
  - { id: admin, path: "/admin/docs/{id}", methods: [DELETE], upstream: "http://svc", strip_prefix: /admin, permissions: [docs:read, docs:admin] }
`);

    expect(act).toThrow('without the permissions docs:admin');
  });

  it.each([
    ['another origin', 'http://other:8081', '/demo'],
    ['an upstream path of its own', 'http://svc:8081/public', '/demo'],
  ])('accepts a public route with %s', (_what, upstream, strip) => {
    expect(() =>
      tableFrom(`
  - { id: demo, path: "/demo/*", methods: [GET], upstream: "${upstream}", strip_prefix: ${strip}, auth_required: false }
  - { id: users, path: "/api/users/{id}", methods: [GET], upstream: "http://svc:8081", strip_prefix: /api }
`),
    ).not.toThrow();
  });

  it('accepts literal paths that differ in a segment', () => {
    expect(() =>
      tableFrom(`
  - { id: status, path: "/status", methods: [GET], upstream: "http://svc/status", auth_required: false }
  - { id: users, path: "/users/{id}", methods: [GET], upstream: "http://svc" }
`),
    ).not.toThrow();
  });

  it('accepts the overlap when the weaker route says allow_overlap: true', () => {
    expect(() =>
      tableFrom(`
  - { id: demo, path: "/demo/*", methods: [GET], upstream: "http://svc", strip_prefix: /demo, auth_required: false, allow_overlap: true }
  - { id: users, path: "/api/users/{id}", methods: [GET], upstream: "http://svc", strip_prefix: /api }
`),
    ).not.toThrow();
  });

  it('finds no such pair in the shipped config/gateway.yml', () => {
    const config = loadConfig('config/gateway.yml', { DEMO_UPSTREAM_URL: 'http://127.0.0.1:9999' });

    expect(() => new RouteTable(config.routes)).not.toThrow();
  });
});
