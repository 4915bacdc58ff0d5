import type { CorsConfig } from '../config/cors-schema';
import type { RouteConfig } from '../config/schema';

/** A route's CORS settings, worked out once per container into the values the headers carry. */
export interface CorsPolicy {
  /** `allow_origins: ["*"]`: any origin (never with credentials; the config check sees to that). */
  readonly anyOrigin: boolean;
  readonly origins: ReadonlySet<string>;
  readonly methods: ReadonlySet<string>;
  /** Lower-case request header names a preflight may ask for. */
  readonly headers: ReadonlySet<string>;
  /** `allow_headers: ["*"]` (never with credentials; the config check sees to that). */
  readonly anyHeader: boolean;
  readonly credentials: boolean;
  readonly allowMethods: string;
  readonly allowHeaders: string;
  readonly exposeHeaders: string;
  readonly maxAge: string;
}

/** The CORS policy of a route: its own `cors`, else the top-level one; `false` or none is off. */
export const corsPolicyFor = (
  route: Pick<RouteConfig, 'cors' | 'methods'>,
  defaults: CorsConfig | undefined,
): CorsPolicy | undefined => {
  const cors = route.cors === false ? undefined : (route.cors ?? defaults);
  if (!cors) return undefined;
  const methods = new Set<string>(cors.allow_methods ?? route.methods);
  // HEAD is GET without a body: every GET route answers it (see compileRoutes).
  if (methods.has('GET')) methods.add('HEAD');
  return {
    anyOrigin: cors.allow_origins.includes('*'),
    origins: new Set(cors.allow_origins.filter((origin) => origin !== '*')),
    methods,
    headers: new Set(cors.allow_headers),
    anyHeader: cors.allow_headers.includes('*'),
    credentials: cors.allow_credentials,
    allowMethods: [...methods].join(', '),
    allowHeaders: cors.allow_headers.join(', '),
    exposeHeaders: cors.expose_headers.join(', '),
    maxAge: String(cors.max_age_seconds),
  };
};

/**
 * Whether a request's `Origin` may read the answer. Exact comparison with the serialized origins
 * of the config: browsers send `Origin` in exactly that form, and anything else is not a browser's
 * (a case-folded or padded copy is refused, not normalized into a match). `null` (sandboxed
 * frames, opaque origins) never matches a listed origin.
 */
export const corsOriginAllowed = (policy: CorsPolicy, origin: string): boolean =>
  policy.origins.has(origin) || (policy.anyOrigin && origin !== '');

/** `Access-Control-Allow-Origin` for an allowed origin: the origin itself, or `*` without credentials. */
export const allowOriginValue = (policy: CorsPolicy, origin: string): string =>
  policy.anyOrigin && !policy.credentials && !policy.origins.has(origin) ? '*' : origin;

/** The origins a route trusts for CSRF: its CORS origins (never `*`) and `csrf.trusted_origins`. */
export const csrfTrustedOrigins = (
  policy: CorsPolicy | undefined,
  trusted: readonly string[],
): ReadonlySet<string> => new Set([...(policy?.origins ?? []), ...trusted]);
