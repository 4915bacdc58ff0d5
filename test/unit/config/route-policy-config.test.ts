import { ConfigError } from '../../../functions/gateway/config/config-error';
import { parseConfig } from '../../../functions/gateway/loader/load-config';

const problemsOf = (yaml: string): readonly string[] => {
  try {
    parseConfig(yaml, 'gateway.yml', {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be refused');
};

const users = (fields: string) => `
routes:
  - id: users
    path: /api/users/{id}
    methods: [GET, PUT]
    upstream: http://users.internal
${fields}`;

describe('Config: CORS', () => {
  it('refuses "*" with allow_credentials, naming the route and field', () => {
    const problems = problemsOf(
      users(`    cors: { allow_origins: ["*"], allow_credentials: true }`),
    );

    expect(problems).toEqual([
      expect.stringMatching(
        /^routes\[users\]\.cors\.allow_origins: route "users" \(routes\[0\]\): "\*" cannot be combined with allow_credentials: true/,
      ),
    ]);
  });

  it('refuses "*" headers with allow_credentials, and takes them without', () => {
    const problems = problemsOf(
      users(
        `    cors: { allow_origins: [https://app.example.com], allow_headers: ["*"], allow_credentials: true }`,
      ),
    );
    const config = parseConfig(
      users(`    cors: { allow_origins: ["*"], allow_headers: ["*"], expose_headers: ["*"] }`),
      'gateway.yml',
      {},
    );

    expect(problems).toEqual([
      expect.stringMatching(
        /^routes\[users\]\.cors\.allow_headers: route "users" .*"\*" means any header only without allow_credentials/,
      ),
    ]);
    expect(config.routes[0]?.cors).toMatchObject({ allow_headers: ['*'], expose_headers: ['*'] });
  });

  it('refuses the same combination at the top level', () => {
    const problems = problemsOf(
      `cors: { allow_origins: ["*"], allow_credentials: true }\n${users('')}`,
    );

    expect(problems).toEqual([
      expect.stringMatching(/^cors\.allow_origins: "\*" cannot be combined/),
    ]);
  });

  it.each([
    'https://app.example.com/',
    'https://app.example.com/path',
    'HTTPS://APP.EXAMPLE.COM',
    'app.example.com',
    'https://*.example.com',
  ])('refuses %s as an origin, saying what an origin looks like', (origin) => {
    const problems = problemsOf(users(`    cors: { allow_origins: ["${origin}"] }`));

    expect(problems).toEqual([
      expect.stringMatching(/^routes\[users\]\.cors\.allow_origins\[0\]: .* is not an origin/),
    ]);
  });

  it('takes the documented example, with defaults for what it leaves out', () => {
    const config = parseConfig(
      `cors: { allow_origins: [https://app.example.com], allow_credentials: true }\n${users('    cors: false')}`,
      'gateway.yml',
      {},
    );

    expect(config.cors).toEqual({
      allow_origins: ['https://app.example.com'],
      allow_headers: [],
      expose_headers: [],
      allow_credentials: true,
      max_age_seconds: 600,
    });
    expect(config.routes[0]?.cors).toBe(false);
  });
});

describe('Config: per-method permissions', () => {
  it('takes a map from method to list', () => {
    const config = parseConfig(
      users('    permissions: { GET: [users:read], PUT: [users:write] }'),
      'gateway.yml',
      {},
    );

    expect(config.routes[0]?.permissions).toEqual({ GET: ['users:read'], PUT: ['users:write'] });
  });

  it('refuses a method the route does not serve, and HEAD (which follows GET)', () => {
    const problems = problemsOf(
      users('    permissions: { GET: [users:read], DELETE: [users:admin], HEAD: [x] }'),
    );

    expect(problems).toEqual([
      expect.stringMatching(
        /^routes\[users\]\.permissions\.DELETE: route "users" .*not one of the route's methods/,
      ),
      expect.stringMatching(
        /^routes\[users\]\.permissions\.HEAD: route "users" .*HEAD follows GET/,
      ),
    ]);
  });

  it('refuses a permission map on a public route', () => {
    const problems = problemsOf(users('    auth_required: false\n    permissions: { GET: [a] }'));

    expect(problems).toEqual([
      expect.stringMatching(/^routes\[users\]\.permissions: permissions need auth_required/),
    ]);
  });
});

describe('Config: rate limit lists and shadow mode', () => {
  it('takes a list of limits of one scope, and mode: shadow', () => {
    const config = parseConfig(
      users(
        '    rate_limit: [{ capacity: 10, refill_per_second: 10 }, { capacity: 1000, refill_per_second: 0.2777, mode: shadow }]',
      ),
      'gateway.yml',
      {},
    );

    expect(config.routes[0]?.rate_limit).toEqual([
      expect.objectContaining({ capacity: 10, mode: 'enforce', scope: 'user' }),
      expect.objectContaining({ capacity: 1000, mode: 'shadow', scope: 'user' }),
    ]);
  });

  it('refuses limits of different scopes on one route, saying why', () => {
    const problems = problemsOf(
      users(
        '    rate_limit: [{ capacity: 10, refill_per_second: 10, scope: user }, { capacity: 1000, refill_per_second: 1, scope: route }]',
      ),
    );

    expect(problems).toEqual([
      expect.stringMatching(
        /^routes\[users\]\.rate_limit: route "users" .*must share one scope \(got user, route\)/,
      ),
    ]);
  });

  it('refuses an unknown mode and an empty list', () => {
    expect(
      problemsOf(users('    rate_limit: { capacity: 1, refill_per_second: 1, mode: dry }')),
    ).not.toHaveLength(0);
    expect(problemsOf(users('    rate_limit: []'))).not.toHaveLength(0);
  });
});

describe('Config: the middleware: [auth, ratelimit] spelling', () => {
  const seed = (
    fields: string,
    top = 'default_rate_limit: { capacity: 5, refill_per_second: 1 }',
  ) => `${top}\n${users(fields)}`;

  it('means auth_required: true and the default rate limit', () => {
    const config = parseConfig(seed('    middleware: [auth, ratelimit]'), 'gateway.yml', {});

    expect(config.routes[0]).toMatchObject({
      auth_required: true,
      middleware: ['auth', 'ratelimit'],
    });
    expect(config.routes[0]?.rate_limit).toBeUndefined();
  });

  it('without auth means public, without ratelimit means no limit', () => {
    const config = parseConfig(seed('    middleware: []'), 'gateway.yml', {});

    expect(config.routes[0]).toMatchObject({ auth_required: false, rate_limit: false });
  });

  it.each([
    [
      '    middleware: [auth]\n    auth_required: false',
      /^routes\[users\]\.auth_required: false contradicts middleware: \[auth\]/,
    ],
    [
      '    middleware: [ratelimit]\n    auth_required: true',
      /^routes\[users\]\.auth_required: true contradicts middleware: \[ratelimit\]/,
    ],
    [
      '    middleware: [auth, ratelimit]\n    rate_limit: false',
      /^routes\[users\]\.rate_limit: false contradicts middleware/,
    ],
    [
      '    middleware: [auth]\n    rate_limit: { capacity: 1, refill_per_second: 1 }',
      /^routes\[users\]\.rate_limit: contradicts middleware: \[auth\]/,
    ],
    [
      '    middleware: [auth, jwt]',
      /^routes\[users\]\.middleware\[1\]: "jwt" is not one of auth, ratelimit/,
    ],
  ])('refuses a contradiction or unknown name: %s', (fields, message) => {
    expect(problemsOf(seed(fields))).toEqual([expect.stringMatching(message)]);
  });

  it('refuses ratelimit with no limit to apply', () => {
    const problems = problemsOf(seed('    middleware: [auth, ratelimit]', ''));

    expect(problems).toEqual([
      expect.stringMatching(
        /^routes\[users\]\.middleware: route "users" .*ratelimit needs a limit/,
      ),
    ]);
  });
});

describe('Config: csrf', () => {
  it('is on by default, off per route with csrf: false, and takes trusted origins', () => {
    const config = parseConfig(
      `csrf: { trusted_origins: [https://admin.example.com] }\n${users('    csrf: false')}`,
      'gateway.yml',
      {},
    );

    expect(config.csrf.trusted_origins).toEqual(['https://admin.example.com']);
    expect(config.routes[0]?.csrf).toBe(false);
  });
});
