import type { HttpMethod } from '../config/http-methods';
import type { RateLimitConfig, RouteConfig } from '../config/schema';
import { MethodNotAllowedError, NotFoundError } from '../http/errors';
import { compileRoutes, shapeOf } from './compile-routes';
import { splitPath } from './path-segments';
import type { CompiledRoute, MatchedRoute } from './route-types';

const matchSegments = (
  route: CompiledRoute,
  decoded: readonly string[],
): Record<string, string> | undefined => {
  // A prefix route `/api/*` also matches `/api` itself and `/api/`.
  const lengthFits = route.prefix
    ? decoded.length >= route.segments.length
    : decoded.length === route.segments.length;
  if (!lengthFits) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i += 1) {
    const segment = route.segments[i];
    const actual = decoded[i];
    if (segment === undefined || actual === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== actual) return undefined;
    } else {
      if (actual === '') return undefined;
      params[segment.name] = actual;
    }
  }
  return params;
};

/** The compiled route table: built once per container, matched per request. */
export class RouteTable {
  readonly routes: readonly CompiledRoute[];

  readonly #shapes: ReadonlyMap<CompiledRoute, string>;

  constructor(
    routes: readonly RouteConfig[],
    options: { readonly source?: string; readonly defaultLimit?: RateLimitConfig | undefined } = {},
  ) {
    this.routes = compileRoutes(routes, options.source, options.defaultLimit);
    this.#shapes = new Map(this.routes.map((route) => [route, shapeOf(route)]));
  }

  /**
   * Finds the most specific route for the path, then the one of that shape that allows the method.
   * A method the most specific routes do not allow is a 405 with their `Allow`, never a fall
   * through to a broader route (whose protection may be weaker), unless every one of them says
   * `method_fallthrough: true`.
   * @throws NotFoundError when no route has the path; MethodNotAllowedError (with `Allow`) when
   * routes have the path but none allows the method.
   */
  match(method: string, rawPath: string): MatchedRoute {
    const { raw, decoded } = splitPath(rawPath);
    const allowed = new Set<HttpMethod>();
    let shape: string | undefined;
    let fallthrough = true;
    for (const route of this.routes) {
      const params = matchSegments(route, decoded);
      if (!params) continue;
      const routeShape = this.#shapes.get(route) as string;
      if (shape !== undefined && routeShape !== shape) {
        if (!fallthrough) break;
        shape = undefined;
      }
      if (!route.methods.has(method as HttpMethod)) {
        for (const m of route.methods) allowed.add(m);
        shape = routeShape;
        fallthrough &&= route.config.method_fallthrough;
        continue;
      }
      const rest = raw.slice(route.stripSegments).join('/');
      return { route, params, upstreamPath: `/${rest}` };
    }
    if (allowed.size > 0) throw new MethodNotAllowedError([...allowed].sort());
    throw new NotFoundError();
  }
}
