import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error';
import { substituteEnv } from './env-substitution';
import { type GatewayConfig, gatewayConfigSchema } from './schema';

export const DEFAULT_CONFIG_PATH = 'config/gateway.yml';

type Env = Readonly<Record<string, string | undefined>>;

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');

const formatIssues = (issues: readonly z.core.$ZodIssue[]): string[] =>
  issues.map((issue) => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });

/** Expands `${VAR}` in each route's `upstream` and `auth.oidc.issuer`; other fields are taken literally. */
const expandUpstreams = (raw: unknown, env: Env, problems: string[]): unknown => {
  if (
    typeof raw !== 'object' ||
    raw === null ||
    !Array.isArray((raw as { routes?: unknown }).routes)
  ) {
    return raw;
  }
  const routes = (raw as { routes: unknown[] }).routes.map((route, index) => {
    if (typeof route !== 'object' || route === null) return route;
    const upstream = (route as { upstream?: unknown }).upstream;
    if (typeof upstream !== 'string') return route;
    const { value, missing } = substituteEnv(upstream, env);
    for (const name of missing) {
      problems.push(`routes[${index}].upstream: environment variable ${name} is not set`);
    }
    return { ...route, upstream: value };
  });
  return { ...raw, routes, ...expandIssuer(raw, env, problems) };
};

/**
 * `auth.oidc.issuer` and `client_id` take `${VAR}` too, so one file serves the local provider
 * (whose port is known at start) and a deployment (whose stack passes them). An issuer that
 * expands to nothing (`${OIDC_ISSUER:-}` with the variable unset) turns login off.
 */
const expandIssuer = (raw: object, env: Env, problems: string[]): { auth?: unknown } => {
  const auth = (raw as { auth?: { oidc?: Record<string, unknown> } }).auth;
  const oidc = auth?.oidc;
  if (typeof oidc !== 'object' || oidc === null) return {};
  const expanded: Record<string, unknown> = { ...oidc };
  for (const field of ['issuer', 'client_id'] as const) {
    const text = oidc[field];
    if (typeof text !== 'string') continue;
    const { value, missing } = substituteEnv(text, env);
    for (const name of missing) {
      problems.push(`auth.oidc.${field}: environment variable ${name} is not set`);
    }
    expanded[field] = value;
  }
  if (expanded.issuer === '' && typeof oidc.issuer === 'string' && oidc.issuer.includes('${')) {
    const { oidc: _off, ...rest } = auth as Record<string, unknown>;
    return { auth: rest };
  }
  return { auth: { ...auth, oidc: expanded } };
};

/**
 * Parses and validates a route table from YAML text. Every problem is reported at once, each
 * naming the route and field, so a bad deploy fails at cold start with an actionable message.
 */
export const parseConfig = (
  text: string,
  source: string,
  env: Env = process.env,
): GatewayConfig => {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      // The first error is the cause; the rest are usually the parser losing its footing.
      document.errors.slice(0, 3).map((error) => error.message.split('\n')[0] ?? error.message),
    );
  }
  const problems: string[] = [];
  const expanded = expandUpstreams(document.toJS(), env, problems);
  if (problems.length > 0) throw new ConfigError(source, problems);

  const result = gatewayConfigSchema.safeParse(expanded);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
};

/** Reads the route table named by `GATEWAY_CONFIG` (default `config/gateway.yml`). */
export const loadConfig = (
  path: string = process.env.GATEWAY_CONFIG ?? DEFAULT_CONFIG_PATH,
  env: Env = process.env,
): GatewayConfig => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      `cannot read the file (${(error as NodeJS.ErrnoException).code})`,
    ]);
  }
  return parseConfig(text, path, env);
};
