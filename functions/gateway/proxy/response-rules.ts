import type { SessionsConfig } from '../config/schema';
import type { CompiledRoute } from '../routing/route-types';
import type { LocationRewrite } from './location-rewrite';
import { cookieCoreName } from './session-cookie-guard';

/** What the gateway changes in a route's upstream answers; worked out once per route. */
export interface ResponseRules {
  /** The session cookie's name without prefix: upstream `Set-Cookie`s for it are dropped. */
  readonly sessionCookieCore: string;
  /** How `Location` and `Content-Location` are mapped back; absent when the route opts out. */
  readonly location?: LocationRewrite;
}

const cache = new WeakMap<CompiledRoute, ResponseRules & { readonly cookieName: string }>();

export const responseRules = (route: CompiledRoute, sessions: SessionsConfig): ResponseRules => {
  const cached = cache.get(route);
  if (cached && cached.cookieName === sessions.cookie_name) return cached;
  const rules = {
    cookieName: sessions.cookie_name,
    sessionCookieCore: cookieCoreName(sessions.cookie_name),
    ...(route.config.rewrite_location
      ? {
          location: {
            origin: route.upstreamOrigin,
            basePath: route.upstreamBasePath,
            publicPrefix: route.config.strip_prefix?.replace(/\/$/, '') ?? '',
          },
        }
      : {}),
  };
  cache.set(route, rules);
  return rules;
};
