import { parseDocument } from 'yaml';
import { ConfigError } from '../config/config-error';
import {
  type CompiledRouteTable,
  ROUTE_TABLE_FORMAT,
  routeTableDigest,
} from '../config/route-table-format';
import type { GatewayConfig } from '../config/schema';
import { checkConfig } from './load-config';

type Env = Readonly<Record<string, string | undefined>>;
type Raw = {
  routes?: unknown[];
  auth?: { oidc?: Record<string, unknown> } & Record<string, unknown>;
} & Record<string, unknown>;

const isTemplate = (value: unknown): value is string =>
  typeof value === 'string' && value.includes('${');

/** A stand-in issuer for checking the login settings where the synth's environment turns login off. */
const ISSUER_STAND_IN = 'https://issuer.invalid';

/**
 * Compiles a YAML route table for the Lambda asset (`route-table-format.ts`): the full check with
 * the synth's environment (the same one-pass check `npm start` and `npm run check-config` run;
 * every problem throws a ConfigError), then the checked config with its `${VAR}` references put
 * back, for the function to expand from its own environment.
 *
 * An `auth.oidc.issuer` that expands to nothing here (`${OIDC_ISSUER:-}` with the variable unset)
 * turns login off for this environment only: the function may have the variable. So the file is
 * checked a second time with a stand-in issuer, and the login settings shipped are that check's.
 */
export const compileRouteTable = (
  text: string,
  source: string,
  env: Env = process.env,
): CompiledRouteTable => {
  const checked = checkConfig(text, env);
  if (!checked.ok) throw new ConfigError(source, checked.problems);
  const raw = parseDocument(text).toJS() as Raw;
  const config = structuredClone(checked.config) as GatewayConfig;

  config.routes.forEach((route, index) => {
    const written = (raw.routes?.[index] as { upstream?: unknown } | undefined)?.upstream;
    if (isTemplate(written)) route.upstream = written;
  });

  const rawOidc = raw.auth?.oidc;
  if (rawOidc) {
    let oidc = config.auth.oidc;
    if (!oidc && isTemplate(rawOidc.issuer)) {
      const withLogin = checkConfig(
        // JSON is YAML: the same document with the stand-in issuer.
        JSON.stringify({
          ...raw,
          auth: { ...raw.auth, oidc: { ...rawOidc, issuer: ISSUER_STAND_IN } },
        }),
        env,
      );
      if (!withLogin.ok) {
        throw new ConfigError(
          `${source} (with auth.oidc.issuer set, as where the function runs)`,
          withLogin.problems,
        );
      }
      oidc = structuredClone(withLogin.config.auth.oidc);
    }
    if (oidc) {
      for (const field of ['issuer', 'client_id'] as const) {
        const written = rawOidc[field];
        if (isTemplate(written)) oidc[field] = written;
      }
      config.auth = { ...config.auth, oidc };
    }
  }

  const plain = JSON.parse(JSON.stringify(config)) as GatewayConfig;
  return { format: ROUTE_TABLE_FORMAT, source, sha256: routeTableDigest(plain), config: plain };
};
