import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';
import { substituteEnv } from './env-substitution';
import { routeLabel } from './route-label';
import {
  COMPILED_ROUTE_TABLE_PATH,
  type CompiledRouteTable,
  ROUTE_TABLE_FORMAT,
  routeTableDigest,
} from './route-table-format';
import { routeTableShapeProblems } from './route-table-shape';
import type { GatewayConfig, OidcConfig } from './schema';

type Env = Readonly<Record<string, string | undefined>>;

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash;
  } catch {
    return false;
  }
};

/**
 * `${VAR}` in upstreams, the issuer and the client id, from the function's environment, as the
 * YAML loader does (an issuer that expands to nothing turns login off); and the checks that depend
 * on the values, which the synth could only make with its own.
 */
const expand = (config: GatewayConfig, env: Env, problems: string[]): GatewayConfig => {
  const routes = config.routes.map((route, index) => {
    const { value, missing } = substituteEnv(route.upstream, env);
    const label = routeLabel(route, index);
    for (const name of missing) {
      problems.push(
        `${label}.upstream: environment variable ${name} is not set (set it, or give a fallback: \${${name}:-http://...})`,
      );
    }
    if (missing.length === 0 && !isHttpUrl(value)) {
      problems.push(
        `${label}.upstream: ${JSON.stringify(value)} is not an http(s) URL without query or fragment`,
      );
    }
    return value === route.upstream ? route : { ...route, upstream: value };
  });
  const oidc = config.auth.oidc;
  if (!oidc) return { ...config, routes };
  const expanded: Record<'issuer' | 'client_id', string> = { issuer: '', client_id: '' };
  for (const field of ['issuer', 'client_id'] as const) {
    const { value, missing } = substituteEnv(oidc[field], env);
    for (const name of missing) {
      problems.push(`auth.oidc.${field}: environment variable ${name} is not set`);
    }
    expanded[field] = value;
  }
  if (expanded.issuer === '' && oidc.issuer.includes('${')) {
    const { oidc: _off, ...auth } = config.auth;
    return { ...config, routes, auth };
  }
  if (!isHttpUrl(expanded.issuer)) {
    problems.push(
      `auth.oidc.issuer: ${JSON.stringify(expanded.issuer)} is not an http(s) issuer URL`,
    );
  }
  if (expanded.client_id === '') problems.push('auth.oidc.client_id: is empty');
  const withValues: OidcConfig = { ...oidc, ...expanded };
  return { ...config, routes, auth: { ...config.auth, oidc: withValues } };
};

/**
 * Reads the route table `cdk synth` compiled into the asset (`config/gateway.json`): refuses a
 * file that is not one (unreadable, not JSON, another format, edited after the synth checked it,
 * a field missing or of the wrong type) with a ConfigError naming the file and every problem, so
 * the init fails with it; then expands `${VAR}`s from the environment. No YAML parser, no zod.
 */
export const loadRouteTable = (
  path: string = COMPILED_ROUTE_TABLE_PATH,
  env: Env = process.env,
): GatewayConfig => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      `cannot read the compiled route table (${(error as NodeJS.ErrnoException).code}): it is written by cdk synth`,
    ]);
  }
  let table: Partial<CompiledRouteTable>;
  try {
    table = JSON.parse(text) as Partial<CompiledRouteTable>;
  } catch (error) {
    throw new ConfigError(path, [`not JSON: ${(error as Error).message}`]);
  }
  if (typeof table !== 'object' || table === null || table.format !== ROUTE_TABLE_FORMAT) {
    throw new ConfigError(path, [
      `not a compiled route table of format ${ROUTE_TABLE_FORMAT} (found ${JSON.stringify(table?.format ?? null)}): deploy the asset cdk synth builds`,
    ]);
  }
  if (table.sha256 !== routeTableDigest(table.config)) {
    throw new ConfigError(path, [
      `changed after cdk synth checked it (its sha256 does not match): edit ${table.source ?? 'the YAML route table'} and synthesize again`,
    ]);
  }
  const shapeProblems = routeTableShapeProblems(table.config);
  if (shapeProblems.length > 0) throw new ConfigError(path, shapeProblems);
  const problems: string[] = [];
  const config = expand(table.config as GatewayConfig, env, problems);
  if (problems.length > 0) throw new ConfigError(path, problems);
  return config;
};
