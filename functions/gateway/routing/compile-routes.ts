import { ConfigError } from '../config/config-error';
import { type HttpMethod, isHttpMethod } from '../config/http-methods';
import { routeLabel } from '../config/route-label';
import type { RateLimitConfig, RouteConfig } from '../config/schema';
import { prepareRouteLimits } from '../ratelimit/prepared-limits';
import { compareRank } from './route-rank';
import type { CompiledRoute, Segment } from './route-types';
import { upstreamReachProblems } from './upstream-reach';

const Rank = { literal: 3, param: 2, wildcard: 1, end: 4 } as const;

const parseSegments = (pattern: string): Segment[] =>
  pattern
    .slice(1)
    .split('/')
    .map((part) => {
      const param = /^\{(.+)\}$/.exec(part);
      return param?.[1]
        ? { kind: 'param', name: param[1] }
        : { kind: 'literal', value: decodeURIComponent(part) };
    });

/**
 * One route with every per-route value a request needs, worked out here once for the life of the
 * container (the parsed upstream, its rate limits and their headers), never per request.
 */
const compileRoute = (config: RouteConfig, defaultLimit?: RateLimitConfig): CompiledRoute => {
  const prefix = config.path.endsWith('/*');
  const pattern = prefix ? config.path.slice(0, -2) || '/' : config.path;
  const segments = pattern === '/' && prefix ? [] : parseSegments(pattern);
  const rank = [
    ...segments.map((segment) => (segment.kind === 'literal' ? Rank.literal : Rank.param)),
    prefix ? Rank.wildcard : Rank.end,
  ];
  const methods = new Set<HttpMethod>(config.methods.filter(isHttpMethod));
  // HEAD is GET without a body (RFC 9110 9.3.2): every GET route answers it.
  if (methods.has('GET')) methods.add('HEAD');
  const stripSegments = config.strip_prefix
    ? config.strip_prefix.replace(/\/$/, '').split('/').length - 1
    : 0;
  const upstream = new URL(config.upstream);
  const upstreamOrigin = upstream.origin;
  const upstreamBasePath = upstream.pathname.replace(/\/$/, '');
  return {
    id: config.id ?? config.path,
    config,
    segments,
    prefix,
    methods,
    stripSegments,
    rank,
    upstreamOrigin,
    upstreamBasePath,
    ...(config.rewrite_location
      ? {
          locationRewrite: {
            origin: upstreamOrigin,
            basePath: upstreamBasePath,
            publicPrefix: config.strip_prefix?.replace(/\/$/, '') ?? '',
          },
        }
      : {}),
    limits: prepareRouteLimits(config, defaultLimit),
  };
};

export const shapeOf = (route: CompiledRoute): string =>
  route.segments.map((s) => (s.kind === 'param' ? '{}' : s.value)).join('/') +
  (route.prefix ? '/*' : '');

/**
 * What is wrong with a route table as a whole: two routes of one shape sharing a method (the
 * winner would depend on file order), a repeated id, and a route that reaches a better-protected
 * route's upstream. `indexes` are the routes' positions in the file (some may have been left out
 * for problems of their own), so each problem names the route as the file does.
 */
export const routeTableProblems = (
  routes: readonly RouteConfig[],
  indexes: readonly number[] = routes.map((_, i) => i),
): string[] => {
  const compiled = routes.map((route) => compileRoute(route));
  const labels = routes.map((route, i) => routeLabel(route, indexes[i] ?? i));
  const problems: string[] = [];
  const seenIds = new Map<string, number>();
  const seenShapes = new Map<string, number>();
  compiled.forEach((route, index) => {
    const label = labels[index] as string;
    const idOwner = seenIds.get(route.id);
    if (idOwner !== undefined) {
      // Both carry the id, so name them by position.
      problems.push(
        `routes[${indexes[index] ?? index}].id: "${route.id}" is already used by routes[${indexes[idOwner] ?? idOwner}]`,
      );
    }
    seenIds.set(route.id, index);
    for (const method of route.config.methods) {
      const key = `${method} ${shapeOf(route)}`;
      const owner = seenShapes.get(key);
      if (owner !== undefined) {
        problems.push(
          `${label}.path: ${method} ${route.config.path} overlaps ${labels[owner]} (${routes[owner]?.path})`,
        );
      }
      seenShapes.set(key, index);
    }
  });
  problems.push(...upstreamReachProblems(compiled, labels));
  return problems;
};

/**
 * Compiles the route table once, ordered most specific first: at each segment a literal beats a
 * parameter, which beats a trailing `/*`; an exact end beats a prefix. A table with problems (see
 * `routeTableProblems`) is refused.
 */
export const compileRoutes = (
  routes: readonly RouteConfig[],
  source = 'routes',
  /** The table's `default_rate_limit`, for routes that name no limit of their own. */
  defaultLimit?: RateLimitConfig,
): CompiledRoute[] => {
  const problems = routeTableProblems(routes);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return routes
    .map((route) => compileRoute(route, defaultLimit))
    .map((route, order) => ({ route, order }))
    .sort((a, b) => compareRank(a.route.rank, b.route.rank) || a.order - b.order)
    .map(({ route }) => route);
};
