import { ConfigError } from '../config/config-error';
import { type HttpMethod, isHttpMethod } from '../config/http-methods';
import type { RouteConfig } from '../config/schema';
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

const compileRoute = (config: RouteConfig): CompiledRoute => {
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
  return {
    id: config.id ?? config.path,
    config,
    segments,
    prefix,
    methods,
    stripSegments,
    rank,
    upstreamOrigin: upstream.origin,
    upstreamBasePath: upstream.pathname.replace(/\/$/, ''),
  };
};

export const shapeOf = (route: CompiledRoute): string =>
  route.segments.map((s) => (s.kind === 'param' ? '{}' : s.value)).join('/') +
  (route.prefix ? '/*' : '');

/**
 * Compiles the route table once, ordered most specific first: at each segment a literal beats a
 * parameter, which beats a trailing `/*`; an exact end beats a prefix. Two routes of the same shape
 * that share a method would make the winner depend on file order, so they are refused.
 */
export const compileRoutes = (
  routes: readonly RouteConfig[],
  source = 'routes',
): CompiledRoute[] => {
  const compiled = routes.map(compileRoute);
  const problems: string[] = [];
  const seenIds = new Map<string, number>();
  const seenShapes = new Map<string, number>();
  compiled.forEach((route, index) => {
    const idOwner = seenIds.get(route.id);
    if (idOwner !== undefined)
      problems.push(`routes[${index}].id: "${route.id}" is already used by routes[${idOwner}]`);
    seenIds.set(route.id, index);
    for (const method of route.config.methods) {
      const key = `${method} ${shapeOf(route)}`;
      const owner = seenShapes.get(key);
      if (owner !== undefined) {
        problems.push(
          `routes[${index}].path: ${method} ${route.config.path} overlaps routes[${owner}] (${routes[owner]?.path})`,
        );
      }
      seenShapes.set(key, index);
    }
  });
  problems.push(...upstreamReachProblems(compiled));
  if (problems.length > 0) throw new ConfigError(source, problems);
  return compiled
    .map((route, order) => ({ route, order }))
    .sort((a, b) => compareRank(a.route.rank, b.route.rank) || a.order - b.order)
    .map(({ route }) => route);
};
