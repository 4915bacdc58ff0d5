import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../functions/gateway/config/config-error';
import { loadConfig, parseConfig } from '../../../functions/gateway/loader/load-config';

const route = (fields: string) => `
  - path: /api/users/{id}
    methods: [GET]
    upstream: http://users.internal:8080
${fields}`;

const problemsOf = (yaml: string, env: Record<string, string> = {}): readonly string[] => {
  try {
    parseConfig(yaml, 'gateway.yml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be refused');
};

describe('Config: parseConfig', () => {
  it('names the route and field of a bad method', () => {
    // Prepare
    const yaml = `routes:${route('')}${route('')}${route('')}
  - path: /orders
    methods: [FETCH]
    upstream: http://orders.internal
`;

    // Act
    const problems = problemsOf(yaml);

    // Assess: the three identical routes also overlap, reported in the same pass
    expect(problems).toContain(
      'routes[3].methods[0]: "FETCH" is not an HTTP method (use GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS)',
    );
    expect(problems).toContain(
      'routes[1].path: GET /api/users/{id} overlaps routes[0] (/api/users/{id})',
    );
  });

  it('applies the documented defaults', () => {
    const config = parseConfig(`routes:${route('')}`, 'gateway.yml', {});

    expect(config.routes[0]).toEqual({
      path: '/api/users/{id}',
      methods: ['GET'],
      upstream: 'http://users.internal:8080',
      auth_required: true,
      permissions: [],
      forward_session_cookie: false,
      stream: false,
      timeout_ms: 10000,
      connect_timeout_ms: 2000,
      retries: 1,
      max_body_bytes: 1048576,
      allow_overlap: false,
      method_fallthrough: false,
      rewrite_location: true,
      csrf: true,
      login_redirect: true,
      forward_access_token: false,
    });
    expect(config.csrf).toEqual({ trusted_origins: [] });
    expect(config.cors).toBeUndefined();
    expect(config.security_headers.x_frame_options).toBe('DENY');
    expect(config.sessions).toEqual({
      cookie_name: 'session_token',
      cache_ttl_seconds: 5,
      cache_max_entries: 10000,
      user_headers: { user_id: 'x-user-id', roles: 'x-user-roles' },
    });
    expect(config.roles).toEqual({});
  });

  it('reads the full route shape, rate limit included', () => {
    const config = parseConfig(
      `routes:${route(`    strip_prefix: /api
    auth_required: true
    permissions: [users:read]
    rate_limit: { capacity: 100, refill_per_second: 10, scope: user }
    timeout_ms: 5000
    max_body_bytes: 2048`)}`,
      'gateway.yml',
      {},
    );

    expect(config.routes[0]?.rate_limit).toEqual({
      capacity: 100,
      refill_per_second: 10,
      scope: 'user',
      cost: 1,
      on_error: 'fail_open',
      mode: 'enforce',
    });
    expect(config.routes[0]?.strip_prefix).toBe('/api');
    expect(config.routes[0]?.timeout_ms).toBe(5000);
  });

  it('refuses unknown fields so typos do not pass silently', () => {
    expect(problemsOf(`routes:${route('    auth_requird: false')}`)).toEqual([
      'routes[0].auth_requird: unknown field; did you mean auth_required?',
    ]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(`routes:
  - path: users
    methods: []
    upstream: ftp://files
    timeout_ms: -1
`);

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^routes\[0\]\.path: must start with "\/"/),
        expect.stringMatching(/^routes\[0\]\.methods: /),
        'routes[0].upstream: "ftp://files" is not an http(s) URL without query or fragment',
        expect.stringMatching(/^routes\[0\]\.timeout_ms: /),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('substitutes $VAR references, with and without a fallback, in upstreams', () => {
    const config = parseConfig(
      `routes:
  - { path: /a, methods: [GET], upstream: "\${A_URL}/v1" }
  - { path: /b, methods: [GET], upstream: "\${B_URL:-http://fallback:9000}" }
`,
      'gateway.yml',
      { A_URL: 'https://a.example.com' },
    );

    expect(config.routes.map((r) => r.upstream)).toEqual([
      'https://a.example.com/v1',
      'http://fallback:9000',
    ]);
  });

  it('names an unset environment variable instead of building a broken URL', () => {
    expect(
      problemsOf(`routes:\n  - { path: /a, methods: [GET], upstream: "\${USERS_SERVICE_URL}" }\n`),
    ).toEqual([
      `routes[0].upstream: environment variable USERS_SERVICE_URL is not set (set it, or give a fallback: \${USERS_SERVICE_URL:-http://...})`,
    ]);
  });

  it('refuses a strip_prefix that is not a whole-segment prefix of the path', () => {
    expect(problemsOf(`routes:${route('    strip_prefix: /ap')}`)).toEqual([
      'routes[0].strip_prefix: "/ap" is not a whole-segment prefix of path "/api/users/{id}"',
    ]);
  });

  it('refuses a rate limit without a positive capacity', () => {
    expect(
      problemsOf(`routes:${route('    rate_limit: { capacity: 0, refill_per_second: 1 }')}`),
    ).toEqual([expect.stringMatching(/^routes\[0\]\.rate_limit\.capacity: /)]);
  });

  it('reports YAML syntax errors with their position', () => {
    const problems = problemsOf('routes:\n  - path: /a\n   methods: [GET\n');

    expect(problems[0]).toMatch(/line \d+/);
  });

  it('refuses permissions on a public route', () => {
    expect(
      problemsOf(`routes:${route('    auth_required: false\n    permissions: [a:b]')}`),
    ).toEqual([
      'routes[0].permissions: permissions need auth_required: true (a public route has no user to check)',
    ]);
  });

  it('reads roles and session settings, lower-casing header names', () => {
    const config = parseConfig(
      `routes:${route('')}
roles:
  admin: ['*']
  reader: [users:read]
sessions:
  cookie_name: sid
  cache_ttl_seconds: 0
  user_headers: { user_id: X-Auth-User, roles: X-Auth-Roles, permissions: X-Auth-Permissions }
`,
      'gateway.yml',
      {},
    );

    expect(config.roles).toEqual({ admin: ['*'], reader: ['users:read'] });
    expect(config.sessions).toMatchObject({
      cookie_name: 'sid',
      cache_ttl_seconds: 0,
      user_headers: {
        user_id: 'x-auth-user',
        roles: 'x-auth-roles',
        permissions: 'x-auth-permissions',
      },
    });
  });

  it('refuses an empty route table', () => {
    expect(problemsOf('routes: []\n')).toEqual([expect.stringMatching(/^routes: /)]);
  });
});

describe('Config: loadConfig', () => {
  it('loads the shipped config/gateway.yml', () => {
    const config = loadConfig('config/gateway.yml', { DEMO_UPSTREAM_URL: 'http://127.0.0.1:9999' });

    expect(config.routes.map((r) => r.id)).toEqual(['demo', 'demo-stream', 'users']);
    expect(config.routes[0]?.upstream).toBe('http://127.0.0.1:9999/public');
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadConfig('/nonexistent/gateway.yml', {})).toThrow(
      'Invalid gateway config /nonexistent/gateway.yml (1 problem):\n  - cannot read the file (ENOENT)',
    );
  });

  it('reads the file given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
    const file = join(dir, 'routes.yml');
    writeFileSync(
      file,
      'routes:\n  - { path: /x, methods: [POST], upstream: "http://x:1", auth_required: false }\n',
    );

    expect(loadConfig(file, {}).routes[0]).toMatchObject({
      path: '/x',
      methods: ['POST'],
      auth_required: false,
    });
  });
});

describe('Config: route paths', () => {
  it.each(['/', '/*', '/a', '/a/{id}', '/a/{id}/b/*', '/v1.0/~x'])('accepts %s', (path) => {
    expect(() =>
      parseConfig(
        `routes:\n  - { path: "${path}", methods: [GET], upstream: "http://x" }\n`,
        't',
        {},
      ),
    ).not.toThrow();
  });

  it.each(['a', '//a', '/a//b', '/a/*/b', '/a/{}', '/a/{1x}', '/a b', '/a/'])(
    'refuses %s',
    (path) => {
      expect(
        problemsOf(`routes:\n  - { path: "${path}", methods: [GET], upstream: "http://x" }\n`),
      ).toEqual([expect.stringMatching(/^routes\[0\]\.path: must start with/)]);
    },
  );
});

describe('Config: rate limits', () => {
  it('refuses a cost above the capacity', () => {
    expect(
      problemsOf(
        `routes:${route('    rate_limit: { capacity: 2, refill_per_second: 1, cost: 3 }')}`,
      ),
    ).toEqual([
      'routes[0].rate_limit.cost: must not exceed capacity (such a request could never pass)',
    ]);
  });

  it('refuses a bucket that takes more than ten years to refill, and takes a yearly quota', () => {
    expect(
      problemsOf(
        `routes:${route('    rate_limit: { capacity: 1000000, refill_per_second: 0.001 }')}`,
      ),
    ).toEqual([
      'routes[0].rate_limit.refill_per_second: too slow: a bucket must refill from empty within 10 years',
    ]);
    const yearly = parseConfig(
      `routes:${route('    rate_limit: { capacity: 31536, refill_per_second: 0.001 }')}`,
      'gateway.yml',
      {},
    );
    expect(yearly.routes[0]?.rate_limit).toMatchObject({ capacity: 31536 });
  });

  it('refuses global buckets of different sizes', () => {
    const problems = problemsOf(`routes:
  - { path: /a, methods: [GET], upstream: "http://a", rate_limit: { capacity: 5, refill_per_second: 1, scope: global } }
  - { path: /b, methods: [GET], upstream: "http://b", rate_limit: { capacity: 6, refill_per_second: 1, scope: global } }
`);

    expect(problems).toEqual([
      expect.stringMatching(
        /^routes\[1\]\.rate_limit: every route with scope global shares one bucket/,
      ),
    ]);
  });

  it('defaults on_error to fail_open and the scope to user', () => {
    const config = parseConfig(
      `routes:${route('    rate_limit: { capacity: 2, refill_per_second: 1 }')}`,
      't',
      {},
    );

    expect(config.routes[0]?.rate_limit).toEqual({
      capacity: 2,
      refill_per_second: 1,
      scope: 'user',
      cost: 1,
      on_error: 'fail_open',
      mode: 'enforce',
    });
  });
});
