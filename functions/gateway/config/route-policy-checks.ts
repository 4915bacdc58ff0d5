import { type CorsConfig, corsProblems } from './cors-schema';
import { permissionMapProblems } from './route-permissions';
import type { RateLimitConfig, RouteConfig } from './schema';

export interface PolicyProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

interface PolicyInput {
  readonly routes: readonly RouteConfig[];
  readonly cors?: CorsConfig | undefined;
  readonly default_rate_limit?: RateLimitConfig | undefined;
}

const routeName = (route: RouteConfig, index: number): string =>
  `route "${route.id ?? route.path}" (routes[${index}])`;

/** One route's rate-limit list: what makes it impossible to decide in one atomic call. */
const limitListProblems = (limits: readonly RateLimitConfig[]): string[] => {
  if (limits.length < 2) return [];
  const problems: string[] = [];
  const scopes = new Set(limits.map((limit) => limit.scope));
  if (scopes.size > 1) {
    problems.push(
      `the limits of one route must share one scope (got ${[...scopes].join(', ')}): buckets of one scope are decided together in one atomic Redis call, and buckets of different scopes live in different Redis Cluster slots`,
    );
  }
  if (limits.filter((limit) => limit.scope === 'global').length > 1) {
    problems.push(
      'at most one limit of a route may have scope global (there is one global bucket)',
    );
  }
  return problems;
};

/**
 * Checks of the route policy (CORS, permission maps, limit lists, `middleware:`) that need more
 * than one field or the top-level defaults. Messages name the route by id and index.
 */
export const routePolicyProblems = (config: PolicyInput): PolicyProblem[] => {
  const problems: PolicyProblem[] = [];
  if (config.cors) {
    for (const { field, message } of corsProblems(config.cors)) {
      problems.push({ path: ['cors', field], message });
    }
  }
  config.routes.forEach((route, index) => {
    const name = routeName(route, index);
    if (route.cors) {
      for (const { field, message } of corsProblems(route.cors)) {
        problems.push({ path: ['routes', index, 'cors', field], message: `${name}: ${message}` });
      }
    }
    for (const { field, message } of permissionMapProblems(route.permissions, route.methods)) {
      problems.push({
        path: ['routes', index, ...field.split('.')],
        message: `${name}: ${message}`,
      });
    }
    if (Array.isArray(route.rate_limit)) {
      for (const message of limitListProblems(route.rate_limit)) {
        problems.push({ path: ['routes', index, 'rate_limit'], message: `${name}: ${message}` });
      }
    }
    if (
      route.middleware?.includes('ratelimit') &&
      route.rate_limit === undefined &&
      config.default_rate_limit === undefined
    ) {
      problems.push({
        path: ['routes', index, 'middleware'],
        message: `${name}: ratelimit needs a limit: set default_rate_limit at the top level, or rate_limit on the route`,
      });
    }
  });
  return problems;
};
