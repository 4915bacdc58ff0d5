import type { CorsConfig } from '../config/cors-schema';
import type { CompiledRoute } from '../routing/route-types';
import { type CorsPolicy, corsPolicyFor } from './cors-policy';

/** Every route's CORS policy, worked out once: what the preflight and response middlewares read. */
export interface CorsPolicies {
  /** The route's policy; undefined when CORS is off for it. */
  forRoute(route: CompiledRoute): CorsPolicy | undefined;
  /** The top-level policy: for answers that belong to no route (404, 400). */
  readonly fallback: CorsPolicy | undefined;
  /** Some route has CORS on. */
  readonly any: boolean;
}

export const corsPolicies = (
  routes: readonly CompiledRoute[],
  defaults: CorsConfig | undefined,
): CorsPolicies => {
  const byRoute = new Map<CompiledRoute, CorsPolicy | undefined>(
    routes.map((route) => [route, corsPolicyFor(route.config, defaults)]),
  );
  const fallback = defaults ? corsPolicyFor({ methods: [] }, defaults) : undefined;
  return {
    forRoute: (route) => byRoute.get(route),
    fallback,
    any: [...byRoute.values()].some((policy) => policy !== undefined),
  };
};
