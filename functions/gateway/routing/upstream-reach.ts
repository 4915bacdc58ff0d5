import { anyMethodPermissions, everyMethodPermissions } from '../config/permission-lookup';
import { compareRank } from './route-rank';
import type { CompiledRoute, Segment } from './route-types';

/** The upstream paths a route can send requests to: its origin, then a path pattern. */
interface UpstreamPattern {
  readonly origin: string;
  readonly segments: readonly Segment[];
  /** Any further segments may follow (the route ends in `/*`). */
  readonly prefix: boolean;
}

const upstreamPattern = (route: CompiledRoute): UpstreamPattern => {
  const base = route.upstreamBasePath
    .split('/')
    .filter((part) => part !== '')
    .map((value): Segment => ({ kind: 'literal', value: decodeURIComponent(value) }));
  return {
    origin: route.upstreamOrigin.toLowerCase(),
    segments: [...base, ...route.segments.slice(route.stripSegments)],
    prefix: route.prefix,
  };
};

const segmentsMeet = (a: Segment, b: Segment): boolean =>
  a.kind !== 'literal' || b.kind !== 'literal' || a.value === b.value;

/** Whether some upstream path matches both patterns. */
const patternsMeet = (a: UpstreamPattern, b: UpstreamPattern): boolean => {
  if (a.origin !== b.origin) return false;
  const shorter = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < shorter; i += 1) {
    if (!segmentsMeet(a.segments[i] as Segment, b.segments[i] as Segment)) return false;
  }
  if (a.segments.length === b.segments.length) return true;
  // The longer pattern's extra segments must be absorbed by the shorter one's wildcard.
  return a.segments.length < b.segments.length ? a.prefix : b.prefix;
};

/** Permissions `route` requires that `weaker` does not: what a request through `weaker` skips. */
const protectionSkipped = (weaker: CompiledRoute, route: CompiledRoute): string | undefined => {
  if (!route.config.auth_required) return undefined;
  if (!weaker.config.auth_required) return 'a session';
  // Per-method maps: what some method of `route` needs, against what every method of `weaker`
  // is sure to be checked for (the cautious pairing: any gap is reported).
  const checked = everyMethodPermissions(weaker.config.permissions, weaker.config.methods);
  const missing = anyMethodPermissions(route.config.permissions).filter(
    (permission) => !checked.includes(permission),
  );
  return missing.length > 0 ? `the permissions ${missing.join(', ')}` : undefined;
};

const sameSegments = (a: readonly Segment[], b: readonly Segment[]): boolean =>
  a.length === b.length &&
  a.every((segment, i) => {
    const other = b[i] as Segment;
    return segment.kind === 'literal'
      ? other.kind === 'literal' && other.value === segment.value
      : other.kind === 'param';
  });

/**
 * Whether every request through which `weaker` could reach `protectedRoute`'s upstream paths is
 * routed to `protectedRoute` (or its method siblings) instead. True when both map the gateway's
 * paths onto the upstream the same way (same stripped prefix, same upstream base), so a shared
 * upstream path comes from the same gateway path, and `protectedRoute` wins that path: it is more
 * specific, or of the same shape (then the method picks one, and the rest are a 405), and it does
 * not let other methods fall through.
 */
const shieldedBy = (protectedRoute: CompiledRoute, weaker: CompiledRoute): boolean => {
  const sameMapping =
    protectedRoute.upstreamOrigin.toLowerCase() === weaker.upstreamOrigin.toLowerCase() &&
    protectedRoute.upstreamBasePath === weaker.upstreamBasePath &&
    protectedRoute.stripSegments === weaker.stripSegments &&
    sameSegments(
      protectedRoute.segments.slice(0, protectedRoute.stripSegments),
      weaker.segments.slice(0, weaker.stripSegments),
    );
  return (
    sameMapping &&
    compareRank(protectedRoute.rank, weaker.rank) <= 0 &&
    !protectedRoute.config.method_fallthrough
  );
};

const describe = (pattern: UpstreamPattern): string =>
  `${pattern.origin}/${pattern.segments
    .map((segment) => (segment.kind === 'literal' ? segment.value : `{${segment.name}}`))
    .join('/')}${pattern.prefix ? '/*' : ''}`;

/**
 * Finds routes that reach another route's upstream paths with weaker protection: `/demo/*`
 * (public, stripped onto the upstream's root) reaches `/users/{id}` behind `/api/users/{id}`
 * (session, `users:read`) as `/demo/users/1`, so the protected route protects nothing. Such a pair
 * is refused unless the weaker route says `allow_overlap: true`. A pair where the protected route
 * wins every gateway path that leads there (`/api/*` beside `/api/admin/{id}` on the same mapping,
 * or `GET` and `PUT` routes of one path) is fine. Methods are not compared otherwise: an upstream
 * that serves GET on a path usually serves its other methods there too.
 */
export const upstreamReachProblems = (
  routes: readonly CompiledRoute[],
  labels: readonly string[] = routes.map((route) => `routes[${route.id}]`),
): string[] => {
  const patterns = routes.map(upstreamPattern);
  const problems: string[] = [];
  routes.forEach((weaker, i) => {
    if (weaker.config.allow_overlap) return;
    routes.forEach((protectedRoute, j) => {
      if (i === j) return;
      const skipped = protectionSkipped(weaker, protectedRoute);
      if (!skipped) return;
      const [from, to] = [patterns[i] as UpstreamPattern, patterns[j] as UpstreamPattern];
      if (!patternsMeet(from, to) || shieldedBy(protectedRoute, weaker)) return;
      problems.push(
        `${labels[i]}.upstream: route "${weaker.id}" (${weaker.config.path}) reaches ${describe(to)}, the upstream of route "${protectedRoute.id}" (${protectedRoute.config.path}), without ${skipped}: give it an upstream path of its own, or set allow_overlap: true on "${weaker.id}" if that is intended`,
      );
    });
  });
  return problems;
};
