import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError } from '../config/config-error';
import { substituteEnv } from '../config/env-substitution';
import { issueMessages } from '../config/issue-messages';
import { routeLabel } from '../config/route-label';
import {
  type GatewayConfig,
  gatewayConfigSchema,
  type RouteConfig,
  routeSchema,
} from '../config/schema';
import { routeTableProblems } from '../routing/compile-routes';

export const DEFAULT_CONFIG_PATH = 'config/gateway.yml';

type Env = Readonly<Record<string, string | undefined>>;

/** A checked route table: the config when it is usable, else every problem found. */
export type ConfigCheck =
  | { readonly ok: true; readonly config: GatewayConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

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
 * Expands `${VAR}` in each route's `upstream` (and `auth.oidc`'s issuer and client id); other
 * fields are taken literally. Returns the
 * indexes of routes whose upstream names an unset variable, so the schema's complaint about the
 * resulting URL is not reported twice.
 */
const expandUpstreams = (
  raw: unknown,
  env: Env,
  problems: string[],
): { expanded: unknown; unset: ReadonlySet<number> } => {
  const unset = new Set<number>();
  if (
    typeof raw !== 'object' ||
    raw === null ||
    !Array.isArray((raw as { routes?: unknown }).routes)
  ) {
    return { expanded: raw, unset };
  }
  const routes = (raw as { routes: unknown[] }).routes.map((route, index) => {
    if (typeof route !== 'object' || route === null) return route;
    const upstream = (route as { upstream?: unknown }).upstream;
    if (typeof upstream !== 'string') return route;
    const { value, missing } = substituteEnv(upstream, env);
    for (const name of missing) {
      problems.push(
        `${routeLabel(route, index)}.upstream: environment variable ${name} is not set (set it, or give a fallback: \${${name}:-http://...})`,
      );
      unset.add(index);
    }
    return { ...route, upstream: value };
  });
  return { expanded: { ...raw, routes, ...expandIssuer(raw, env, problems) }, unset };
};

/**
 * The routes that are valid on their own (with their positions), so that overlaps between them
 * are reported in the same pass as the other routes' field errors.
 */
const validRoutes = (
  expanded: unknown,
  skip: ReadonlySet<number>,
): { routes: RouteConfig[]; indexes: number[] } => {
  const raw = (expanded as { routes?: unknown }).routes;
  const routes: RouteConfig[] = [];
  const indexes: number[] = [];
  if (!Array.isArray(raw)) return { routes, indexes };
  raw.forEach((route, index) => {
    if (skip.has(index)) return;
    let parsed = routeSchema.safeParse(route);
    if (!parsed.success && typeof route === 'object' && route !== null) {
      // A bad optional field (a rate limit, a timeout) does not change where the route leads:
      // without it the route still takes part in the overlap check.
      const bad = new Set(parsed.error.issues.map((issue) => issue.path[0]));
      parsed = routeSchema.safeParse(
        Object.fromEntries(Object.entries(route).filter(([key]) => !bad.has(key))),
      );
    }
    if (parsed.success) {
      routes.push(parsed.data);
      indexes.push(index);
    }
  });
  return { routes, indexes };
};

const isUpstreamProblemOf = (problem: string, labels: ReadonlySet<string>): boolean =>
  [...labels].some((label) => problem.startsWith(`${label}.upstream: `));

/**
 * Checks a route table from YAML text in one pass: YAML syntax, unset `${VAR}`s, every field
 * (named by route id and field, with the value found and the values accepted) and the table as a
 * whole (overlapping routes, a public route reaching a protected upstream). Never throws.
 */
export const checkConfig = (text: string, env: Env = process.env): ConfigCheck => {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    // The first error is the cause; the rest are usually the parser losing its footing.
    const problems = document.errors
      .slice(0, 3)
      .map((error) => error.message.split('\n')[0] ?? error.message);
    // The usual cause: an unquoted `{name}` path inside a `{ ... }` map reads as a nested map.
    if (/Unexpected flow-map-start/.test(problems[0] ?? '')) {
      problems.push(
        'a value with { } inside a { ... } map must be quoted, for example path: "/users/{id}"',
      );
    }
    return { ok: false, problems };
  }
  const problems: string[] = [];
  const raw: unknown = document.toJS();
  const { expanded, unset } = expandUpstreams(raw, env, problems);
  const routesRaw = (expanded as { routes?: unknown } | null)?.routes;
  const unsetLabels = new Set(
    [...unset].map((index) => routeLabel(Array.isArray(routesRaw) ? routesRaw[index] : {}, index)),
  );

  const result = gatewayConfigSchema.safeParse(expanded);
  if (!result.success) {
    problems.push(
      ...issueMessages(result.error.issues, expanded, gatewayConfigSchema).filter(
        (problem) => !isUpstreamProblemOf(problem, unsetLabels),
      ),
    );
  }
  if (typeof expanded === 'object' && expanded !== null) {
    const { routes, indexes } = result.success
      ? { routes: result.data.routes, indexes: result.data.routes.map((_, i) => i) }
      : validRoutes(expanded, unset);
    problems.push(...routeTableProblems(routes, indexes));
  }
  if (problems.length > 0 || !result.success) return { ok: false, problems };
  return { ok: true, config: result.data };
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
  const checked = checkConfig(text, env);
  if (!checked.ok) throw new ConfigError(source, checked.problems);
  return checked.config;
};

/** Checks the route table file at `path`; a file that cannot be read is one problem. */
export const checkConfigFile = (path: string, env: Env = process.env): ConfigCheck => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [`cannot read the file (${(error as NodeJS.ErrnoException).code})`],
    };
  }
  return checkConfig(text, env);
};

/** Reads the route table named by `GATEWAY_CONFIG` (default `config/gateway.yml`). */
export const loadConfig = (
  path: string = process.env.GATEWAY_CONFIG ?? DEFAULT_CONFIG_PATH,
  env: Env = process.env,
): GatewayConfig => {
  const checked = checkConfigFile(path, env);
  if (!checked.ok) throw new ConfigError(path, checked.problems);
  return checked.config;
};
