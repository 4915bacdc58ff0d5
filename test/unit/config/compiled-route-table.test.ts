import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../functions/gateway/config/config-error';
import { loadRouteTable } from '../../../functions/gateway/config/load-route-table';
import { routeTableDigest } from '../../../functions/gateway/config/route-table-format';
import { compileRouteTable } from '../../../functions/gateway/loader/compile-route-table';
import { loadConfig, parseConfig } from '../../../functions/gateway/loader/load-config';

/**
 * The route table as Lambda gets it: compiled at synth from the YAML file with the synth's
 * environment, loaded at init with the function's. Loaded, it must be the config the YAML loader
 * (`npm start`) gives with the function's environment.
 */

const dir = mkdtempSync(join(tmpdir(), 'gateway-compiled-'));
let count = 0;
/** Compiles `yaml` with `synthEnv` and loads it with `runEnv`, through a file as the asset does. */
const roundTrip = (
  yaml: string,
  synthEnv: Record<string, string>,
  runEnv: Record<string, string>,
) => {
  const file = join(dir, `table-${count++}.json`);
  writeFileSync(file, JSON.stringify(compileRouteTable(yaml, 'gateway.yml', synthEnv)));
  return loadRouteTable(file, runEnv);
};

const problemsOf = (text: string, env: Record<string, string> = {}): readonly string[] => {
  const file = join(dir, `bad-${count++}.json`);
  writeFileSync(file, text);
  try {
    loadRouteTable(file, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`Invalid gateway config ${file}`);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the table to be refused');
};

/** A `${...}` reference as the YAML file writes it. */
const ref = (body: string): string => `$${'{'}${body}}`;

const SHIPPED = readFileSync('config/gateway.yml', 'utf8');
const PRODUCTION = readFileSync('config/examples/production.yml', 'utf8');

describe('Config: the route table compiled at synth and loaded at init', () => {
  it.each([
    ['config/gateway.yml', SHIPPED, {}, { DEMO_UPSTREAM_URL: 'http://10.0.0.5:8081' }],
    ['config/gateway.yml with login on', SHIPPED, {}, { OIDC_ISSUER: 'https://id.example.com' }],
    [
      'config/gateway.yml with login on at synth too',
      SHIPPED,
      { OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'gw' },
      { OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'gw' },
    ],
    [
      'config/examples/production.yml',
      PRODUCTION,
      { CATALOG_URL: 'https://catalog.example.com', ORDERS_URL: 'https://orders.example.com' },
      { CATALOG_URL: 'https://catalog.internal', ORDERS_URL: 'http://orders.internal:8080' },
    ],
  ])(
    '%s: is the config the YAML loader gives with the function environment',
    (_name, yaml, synthEnv, runEnv) => {
      expect(roundTrip(yaml, synthEnv, runEnv)).toEqual(parseConfig(yaml, 'gateway.yml', runEnv));
    },
  );

  it('keeps the variable references for the function to expand, and login on only where the issuer is set', () => {
    const table = compileRouteTable(SHIPPED, 'config/gateway.yml', {});

    expect(table.config.routes[0]?.upstream).toBe(
      `${ref('DEMO_UPSTREAM_URL:-http://127.0.0.1:8081')}/public`,
    );
    expect(table.config.auth.oidc?.issuer).toBe(ref('OIDC_ISSUER:-'));
    expect(roundTrip(SHIPPED, {}, {}).auth.oidc).toBeUndefined();
    expect(
      roundTrip(SHIPPED, {}, { OIDC_ISSUER: 'https://id.example.com' }).auth.oidc,
    ).toMatchObject({
      issuer: 'https://id.example.com',
      client_id: 'gateway-local',
      prefix: '/auth',
    });
  });

  it('refuses at synth what the YAML loader refuses, with the same problems', () => {
    const bad = 'routes:\n  - { path: /x, methods: [FETCH], upstream: "http://x:1" }\n';

    expect(() => compileRouteTable(bad, 'bad.yml', {})).toThrow(ConfigError);
    expect(() => compileRouteTable(PRODUCTION, 'production.yml', {})).toThrow(
      /environment variable CATALOG_URL is not set/,
    );
  });

  it('refuses at init a variable the function environment leaves unset, or a bad URL it makes', () => {
    const table = JSON.stringify(
      compileRouteTable(PRODUCTION, 'production.yml', {
        CATALOG_URL: 'https://catalog.example.com',
        ORDERS_URL: 'https://orders.example.com',
      }),
    );

    expect(problemsOf(table, { CATALOG_URL: 'https://c.example.com' })).toEqual([
      expect.stringMatching(
        /^routes\[orders\]\.upstream: environment variable ORDERS_URL is not set/,
      ),
    ]);
    expect(problemsOf(table, { CATALOG_URL: 'ftp://c', ORDERS_URL: 'https://o' })).toEqual([
      'routes[catalog].upstream: "ftp://c/catalog" is not an http(s) URL without query or fragment',
    ]);
  });

  it('refuses a table that is not the one the synth wrote', () => {
    const table = compileRouteTable(SHIPPED, 'config/gateway.yml', {});
    const edited = structuredClone(table);
    (edited.config.routes[0] as { upstream: string }).upstream = 'http://127.0.0.1:9/elsewhere';
    const retyped = structuredClone(table) as unknown as {
      sha256: string;
      config: { routes: Record<string, unknown>[]; sessions: Record<string, unknown> };
    };
    delete retyped.config.routes[1]?.methods;
    retyped.config.sessions.cookie_name = 7;
    retyped.sha256 = routeTableDigest(retyped.config);

    expect(problemsOf(JSON.stringify(edited))).toEqual([
      expect.stringContaining('changed after cdk synth checked it'),
    ]);
    expect(problemsOf(JSON.stringify(retyped))).toEqual([
      'routes[demo-stream].methods: expected string[], found nothing',
      'sessions.cookie_name: expected string, found 7',
    ]);
    expect(problemsOf('{"format":')).toEqual([expect.stringMatching(/^not JSON: /)]);
    expect(problemsOf(readFileSync('config/gateway.yml', 'utf8'))).toEqual([
      expect.stringMatching(/^not JSON: /),
    ]);
    expect(problemsOf('{"format":"gateway-route-table/0"}')).toEqual([
      expect.stringContaining('not a compiled route table of format gateway-route-table/1'),
    ]);
    expect(() => loadRouteTable(join(dir, 'missing.json'), {})).toThrow(
      /cannot read the compiled route table \(ENOENT\)/,
    );
  });

  it('is what npm start loads from the same file', () => {
    expect(roundTrip(SHIPPED, {}, { DEMO_UPSTREAM_URL: 'http://127.0.0.1:9999' })).toEqual(
      loadConfig('config/gateway.yml', { DEMO_UPSTREAM_URL: 'http://127.0.0.1:9999' }),
    );
  });
});
