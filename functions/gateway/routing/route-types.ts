import type { HttpMethod } from '../config/http-methods';
import type { RouteConfig } from '../config/schema';
import type { RouteLimits } from '../ratelimit/prepared-limits';

export type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string };

/** A route from the config, compiled once at cold start for matching. */
export interface CompiledRoute {
  readonly id: string;
  readonly config: RouteConfig;
  readonly segments: readonly Segment[];
  /** True when the path ends in `/*`: it matches any path below the literal part. */
  readonly prefix: boolean;
  readonly methods: ReadonlySet<HttpMethod>;
  /** The upstream URL's scheme, host and port, parsed once. */
  readonly upstreamOrigin: string;
  /** The upstream URL's path without a trailing slash (`''` for none); forwarded paths follow it. */
  readonly upstreamBasePath: string;
  /** Number of leading path segments that `strip_prefix` removes before forwarding. */
  readonly stripSegments: number;
  /**
   * How the upstream's `Location` and `Content-Location` are mapped back to the route's public
   * path; absent when the route opts out (`rewrite_location: false`).
   */
  readonly locationRewrite?: {
    readonly origin: string;
    readonly basePath: string;
    /** `strip_prefix` without a trailing slash (`''` for none). */
    readonly publicPrefix: string;
  };
  /** The rate limits a request is charged to (its own, else the table's default), prepared. */
  readonly limits: RouteLimits;
  /** Lexicographically larger is more specific; see `compileRoutes`. */
  readonly rank: readonly number[];
}

export interface MatchedRoute {
  readonly route: CompiledRoute;
  /** `{param}` captures, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The raw (still percent-encoded) path to send upstream, after `strip_prefix`. */
  readonly upstreamPath: string;
}
