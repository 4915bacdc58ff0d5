import type { CompiledRoute } from '../routing/route-types';
import type { ForwardPolicy } from './forward-policy';
import type { LocationRewrite } from './location-rewrite';

/** What the gateway changes in a route's upstream answers. */
export interface ResponseRules {
  /** The session cookie's name without prefix: upstream `Set-Cookie`s for it are dropped. */
  readonly sessionCookieCore: string;
  /** How `Location` and `Content-Location` are mapped back; absent when the route opts out. */
  readonly location?: LocationRewrite | undefined;
}

/** A route's rules, from values worked out at init (the compiled route, the forward policy). */
export const responseRules = (route: CompiledRoute, forwarding: ForwardPolicy): ResponseRules => ({
  sessionCookieCore: forwarding.sessionCookieCore,
  location: route.locationRewrite,
});
