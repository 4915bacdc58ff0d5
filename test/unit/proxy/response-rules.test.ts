import type { RouteConfig } from '../../../functions/gateway/config/schema';
import { forwardPolicy } from '../../../functions/gateway/proxy/forward-policy';
import { responseRules } from '../../../functions/gateway/proxy/response-rules';
import { RouteTable } from '../../../functions/gateway/routing/route-table';
import { configFrom } from '../../helpers/test-gateway';

const config = configFrom(`
routes:
  - { path: "/api/*", methods: [GET], upstream: "http://svc.internal:8080/base/", strip_prefix: /api/, auth_required: false }
  - { path: "/plain/*", methods: [GET], upstream: "https://svc.internal", auth_required: false }
sessions:
  cookie_name: __Host-sid
`);

describe('Proxy: responseRules', () => {
  it("maps the route's upstream base path back onto strip_prefix", () => {
    const [api, plain] = new RouteTable(config.routes).routes;
    if (!api || !plain) throw new Error('routes missing');

    expect(responseRules(api, forwardPolicy(config.sessions))).toMatchObject({
      sessionCookieCore: 'sid',
      location: { origin: 'http://svc.internal:8080', basePath: '/base', publicPrefix: '/api' },
    });
    expect(responseRules(plain, forwardPolicy(config.sessions)).location).toEqual({
      origin: 'https://svc.internal',
      basePath: '',
      publicPrefix: '',
    });
  });

  it('has no Location rule for a route with rewrite_location: false, and one when the field is absent', () => {
    const route = config.routes[0] as RouteConfig;
    // As YAML `rewrite_location: false` parses; absent, the schema's default (true) applies.
    const [optedOut] = new RouteTable([{ ...route, rewrite_location: false } as RouteConfig])
      .routes;
    const [absent] = new RouteTable([route]).routes;
    if (!optedOut || !absent) throw new Error('routes missing');

    expect(responseRules(optedOut, forwardPolicy(config.sessions)).location).toBeUndefined();
    expect(responseRules(absent, forwardPolicy(config.sessions)).location).toBeDefined();
  });
});
