import { join } from 'node:path';
import { checkConfig, checkConfigFile } from '../../../functions/gateway/loader/load-config';

const ROOT = join(__dirname, '..', '..', '..');

const problemsOf = (yaml: string): readonly string[] => {
  const checked = checkConfig(yaml, {});
  if (checked.ok) throw new Error('expected the config to be refused');
  return checked.problems;
};

describe('Config check: one pass', () => {
  it('reports six different mistakes at once, each by route id and field', () => {
    // Act
    const checked = checkConfigFile(join(ROOT, 'test', 'fixtures', 'six-mistakes.yml'), {});

    // Assess
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.problems).toEqual([
      `routes[users].upstream: environment variable USERS_SERVICE_URL is not set (set it, or give a fallback: \${USERS_SERVICE_URL:-http://...})`,
      'routes[users].methods[1]: "FETCH" is not an HTTP method (use GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS)',
      'routes[users].rate_limit.refil_per_second: unknown field; did you mean refill_per_second?',
      'routes[orders].rate_limit.scope: "users" is not one of user, ip, route, global',
      'routes[reports].rate_limit: true is not accepted: write the settings, an object { capacity, refill_per_second, scope?, cost?, on_error?, mode? }, or a list of such objects, or false to turn it off',
      expect.stringMatching(
        /^routes\[public-orders\]\.upstream: route "public-orders" \(\/public\/\*\) reaches http:\/\/orders\.internal:8080\/api\/orders\/\{id\}, the upstream of route "orders"/,
      ),
    ]);
  });

  it('names the accepted fields when a typo is too far from any', () => {
    expect(
      problemsOf('routes:\n  - { path: /a, methods: [GET], upstream: "http://a", zzz: 1 }\n'),
    ).toEqual([
      expect.stringMatching(
        /^routes\[0\]\.zzz: unknown field \(accepted: path, methods, upstream, id, strip_prefix, /,
      ),
    ]);
  });

  it('suggests fields in every section, read from the schema', () => {
    expect(
      problemsOf(
        'routes:\n  - { path: /a, methods: [GET], upstream: "http://a" }\nsessions:\n  cookie_nam: sid\n',
      ),
    ).toEqual(['sessions.cookie_nam: unknown field; did you mean cookie_name?']);
  });

  it('says which type a field takes and what it got', () => {
    expect(
      problemsOf(
        'routes:\n  - { id: a, path: /a, methods: [GET], upstream: "http://a", timeout_ms: ten }\n',
      ),
    ).toEqual(['routes[a].timeout_ms: "ten" is not a number']);
  });

  it('names a missing required field', () => {
    expect(problemsOf('routes:\n  - { id: a, path: /a, upstream: "http://a" }\n')).toEqual([
      'routes[a].methods: is required (a list ([a, b]))',
    ]);
  });

  it('reports overlapping routes beside field errors of other routes', () => {
    const problems = problemsOf(`routes:
  - { id: one, path: "/a/{x}", methods: [GET], upstream: "http://a" }
  - { id: two, path: "/a/{y}", methods: [GET], upstream: "http://a" }
  - { id: three, path: /b, methods: [GET], upstream: "http://a", retries: 9 }
`);

    expect(problems).toEqual([
      'routes[three].retries: must be at most 3 (got 9)',
      'routes[two].path: GET /a/{y} overlaps routes[one] (/a/{x})',
    ]);
  });

  it('explains the usual YAML mistake: an unquoted {name} path inside a { ... } map', () => {
    expect(problemsOf('routes:\n  - { id: a, path: /a/{id}, methods: [GET] }\n')).toContain(
      'a value with { } inside a { ... } map must be quoted, for example path: "/users/{id}"',
    );
  });
});
