import { z } from 'zod';
import { FUNCTION_URL_PAYLOAD_LIMIT_BYTES } from '../http/limits';
import { corsSchema, routeCorsSchema } from './cors-schema';
import { csrfSchema, routeCsrfSchema } from './csrf-schema';
import { HTTP_METHODS, isHttpMethod } from './http-methods';
import { permissionName, routePermissionsSchema } from './route-permissions';
import { routePolicyProblems } from './route-policy-checks';
import { resolveSeedMiddleware, seedMiddlewareSchema } from './seed-middleware';

/**
 * The schema of `config/gateway.yml`. Field names are a public contract: users' files must keep
 * working from release to release, so rename nothing; add fields with defaults.
 */

const segment = String.raw`(?:[A-Za-z0-9._~!$&'()+,;=:@%-]+|\{[A-Za-z_][A-Za-z0-9_]*\})`;
/** `/`, `/a/{b}/c`, `/a/*` or `/*`: literal or `{param}` segments, optionally ending in a prefix wildcard. */
const pathPattern = new RegExp(String.raw`^(?:\/\*?|(?:\/${segment})+(?:\/\*)?)$`);

const method = z.string().refine(isHttpMethod, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an HTTP method (use ${HTTP_METHODS.join(', ')})`,
});

const upstreamUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash;
    } catch {
      return false;
    }
  },
  {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not an http(s) URL without query or fragment`,
  },
);

/** Ten years: far beyond any quota, far inside what the script's integer reply can carry. */
const MAX_REFILL_SECONDS = 10 * 366 * 24 * 3600;

export const rateLimitSchema = z
  .strictObject({
    capacity: z.int().positive(),
    refill_per_second: z.number().positive(),
    /** Whose bucket: the session's user (the client IP on public routes), the IP, the route, or one for all. */
    scope: z.enum(['user', 'ip', 'route', 'global']).default('user'),
    cost: z.int().positive().default(1),
    /** When the limiter cannot decide (Redis down): let the request through, or answer 503. */
    on_error: z.enum(['fail_open', 'fail_closed']).default('fail_open'),
    /** `shadow` runs the bucket but never refuses: would-be refusals are logged and counted. */
    mode: z.enum(['enforce', 'shadow']).default('enforce'),
  })
  // Only judged once capacity itself is valid, so one mistake is reported once.
  .refine((limit) => !(limit.capacity >= 1) || limit.cost <= limit.capacity, {
    path: ['cost'],
    error: 'must not exceed capacity (such a request could never pass)',
  })
  // The Lua script answers in integer nanoseconds: a bucket must refill within that range.
  .refine(
    (limit) =>
      !(limit.capacity >= 1 && limit.refill_per_second > 0) ||
      limit.capacity / limit.refill_per_second <= MAX_REFILL_SECONDS,
    {
      path: ['refill_per_second'],
      error: 'too slow: a bucket must refill from empty within 10 years',
    },
  );

/** Several buckets on one route: a request passes only when every enforced one allows it. */
export const MAX_LIMITS_PER_ROUTE = 4;

const routeObjectSchema = z
  .strictObject({
    /** Stable route id for logs and metric dimensions; defaults to the path. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9_./{}*:-]{1,128}$/)
      .optional(),
    path: z.string().regex(pathPattern, {
      error: 'must start with "/", use {name} for parameters and may end with "/*" for a prefix',
    }),
    methods: z.array(method).min(1),
    upstream: upstreamUrl,
    strip_prefix: z.string().startsWith('/').optional(),
    auth_required: z.boolean().default(true),
    /** A list (every method), or a map from method to list; see `route-permissions.ts`. */
    permissions: routePermissionsSchema,
    /** This route's bucket (or buckets); `false` opts out of `default_rate_limit`. */
    rate_limit: z
      .union([
        rateLimitSchema,
        z.array(rateLimitSchema).min(1).max(MAX_LIMITS_PER_ROUTE),
        z.literal(false),
      ])
      .optional(),
    /** The older spelling of auth_required and rate limiting; see `seed-middleware.ts`. */
    middleware: seedMiddlewareSchema,
    /** Replaces the top-level `cors` for this route; `false` turns CORS off here. */
    cors: routeCorsSchema,
    /** Refuse unsafe cross-site requests that carry the session cookie; see `middleware/csrf.ts`. */
    csrf: routeCsrfSchema,
    /**
     * Stream the upstream's answer to the client as it arrives (large downloads, server-sent
     * events) instead of buffering it; needs the function URL in RESPONSE_STREAM mode.
     */
    stream: z.boolean().default(false),
    /** Pass the session cookie on to the upstream (it is stripped by default). */
    forward_session_cookie: z.boolean().default(false),
    timeout_ms: z.int().min(1).max(900_000).default(10_000),
    /** Bound on opening a connection to the upstream (within timeout_ms). */
    connect_timeout_ms: z.int().min(1).max(60_000).default(2_000),
    /** Extra attempts for idempotent requests that failed before reaching the upstream. */
    retries: z.int().min(0).max(3).default(1),
    max_body_bytes: z
      .int()
      .min(0)
      .max(FUNCTION_URL_PAYLOAD_LIMIT_BYTES)
      .default(1024 * 1024),
    /**
     * This route may forward to upstream paths that a route with stronger protection (auth, or
     * more permissions) also serves. Refused by default: it is how a public route exposes a
     * protected one (see `routing/upstream-reach.ts`).
     */
    allow_overlap: z.boolean().default(false),
    /**
     * A method this route does not list falls through to the next broader route whose path
     * matches. Off by default: the request is a 405, so no method can slip past this route's
     * protection to a broader, weaker one.
     */
    method_fallthrough: z.boolean().default(false),
    /**
     * Rewrite a `Location` / `Content-Location` that points into this route's upstream so that it
     * points at the gateway's own path for it; off passes them as the upstream sent them.
     */
    rewrite_location: z.boolean().default(true),
    /**
     * A browser navigation (a GET whose Accept prefers text/html) without a session is sent to the
     * login page (302) instead of the 401 JSON; only with `auth.oidc` configured.
     */
    login_redirect: z.boolean().default(true),
    /** Send the signed-in user's OpenID Connect access token upstream as `Authorization: Bearer`. */
    forward_access_token: z.boolean().default(false),
  })
  .superRefine((route, ctx) => {
    const hasPermissions = Array.isArray(route.permissions)
      ? route.permissions.length > 0
      : Object.keys(route.permissions).length > 0;
    if (hasPermissions && !route.auth_required) {
      ctx.addIssue({
        code: 'custom',
        path: ['permissions'],
        message: 'permissions need auth_required: true (a public route has no user to check)',
      });
    }
    if (route.forward_access_token && !route.auth_required) {
      ctx.addIssue({
        code: 'custom',
        path: ['forward_access_token'],
        message: 'forward_access_token needs auth_required: true (a public route has no user)',
      });
    }
    if (route.strip_prefix !== undefined) {
      const literalPrefix = route.path.replace(/\/\*$/, '');
      const strip = route.strip_prefix.replace(/\/$/, '');
      const segmentAligned = literalPrefix === strip || literalPrefix.startsWith(`${strip}/`);
      if (!segmentAligned) {
        ctx.addIssue({
          code: 'custom',
          path: ['strip_prefix'],
          message: `${JSON.stringify(route.strip_prefix)} is not a whole-segment prefix of path ${JSON.stringify(route.path)}`,
        });
      }
    }
  });

/** A route, after `middleware:` (the older spelling) has been turned into the fields it means. */
export const routeSchema = z.preprocess(resolveSeedMiddleware, routeObjectSchema);

export const securityHeadersSchema = z.strictObject({
  strict_transport_security: z.string().default('max-age=63072000; includeSubDomains; preload'),
  content_security_policy: z.string().default("default-src 'none'; frame-ancestors 'none'"),
  x_frame_options: z.enum(['DENY', 'SAMEORIGIN']).default('DENY'),
  referrer_policy: z.string().default('no-referrer'),
});

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'must be an HTTP header name' })
  .transform((name) => name.toLowerCase());

export const sessionsSchema = z.strictObject({
  cookie_name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .default('session_token'),
  /** How long a validated session is cached per container; also the longest a revocation takes. */
  cache_ttl_seconds: z.number().min(0).max(300).default(5),
  cache_max_entries: z.int().min(0).max(1_000_000).default(10_000),
  /** Headers that carry the user to the upstream; the same headers from clients are always removed. */
  user_headers: z
    .strictObject({
      user_id: headerName.default('x-user-id'),
      roles: headerName.default('x-user-roles'),
      permissions: headerName.optional(),
    })
    .default({ user_id: 'x-user-id', roles: 'x-user-roles' }),
});

const issuerUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash;
    } catch {
      return false;
    }
  },
  { error: (issue) => `${JSON.stringify(issue.input)} is not an http(s) issuer URL` },
);

export const oidcSchema = z.strictObject({
  /** The provider's issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: issuerUrl,
  client_id: z.string().min(1).max(512),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)).default(['openid', 'profile']),
  /** The ID token claim that becomes the session's user id. */
  user_id_claim: z.string().min(1).default('sub'),
  /** The ID token claim holding the user's groups or roles (a list, or one string). */
  roles_claim: z.string().min(1).optional(),
  /** Provider group or role -> gateway roles. Values without an entry are dropped. */
  role_mapping: z
    .record(z.string(), z.array(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/)))
    .default({}),
  /** Roles every signed-in user gets. */
  default_roles: z.array(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/)).default([]),
  session_lifetime_seconds: z
    .int()
    .min(60)
    .max(90 * 24 * 3600)
    .default(8 * 3600),
  /** Where the login routes live. */
  prefix: z
    .string()
    .regex(/^(?:\/[A-Za-z0-9._~-]+)+$/, { error: 'must be a path like /auth' })
    .default('/auth'),
  /** Tolerated clock difference with the provider when checking ID token times. */
  clock_skew_seconds: z.int().min(0).max(300).default(30),
  /**
   * The gateway's public origin (`https://app.example.com`) for the redirect URI the provider
   * calls back; unset, the request's own host (the Function URL's domain) is used.
   */
  public_url: issuerUrl.optional(),
  /** Where the provider sends the browser after logout; @default the public origin + `/` */
  post_logout_redirect_path: z.string().startsWith('/').default('/'),
  /**
   * The login endpoints' bucket (per client address by default): each callback costs a token
   * exchange with the provider and DynamoDB writes. `false` turns it off.
   */
  rate_limit: z
    .union([rateLimitSchema, z.literal(false)])
    .default(() => rateLimitSchema.parse({ capacity: 30, refill_per_second: 0.5, scope: 'ip' })),
});

export const loggingSchema = z.strictObject({
  /** Header names (globs, `*` any run) whose values never reach a log line, beyond the built-in ones. */
  redact_headers: z
    .array(z.string().regex(/^[A-Za-z0-9*_.-]{1,128}$/, { error: 'must be a header name glob' }))
    .default([]),
});

export const authSchema = z.strictObject({
  /** OpenID Connect login (`/auth/login`, `/auth/callback`, `/auth/logout`, `/auth/userinfo`). */
  oidc: oidcSchema.optional(),
});

export const gatewayConfigSchema = z
  .strictObject({
    routes: z.array(routeSchema).min(1),
    /** The bucket of routes that name none. */
    default_rate_limit: rateLimitSchema.optional(),
    sessions: sessionsSchema.default(sessionsSchema.parse({})),
    /** Role name -> the permissions it grants. `*` grants every permission. */
    roles: z
      .record(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/), z.array(permissionName))
      .default({}),
    security_headers: securityHeadersSchema.default(securityHeadersSchema.parse({})),
    logging: loggingSchema.default(loggingSchema.parse({})),
    /** CORS for every route that does not set its own; see `cors-schema.ts`. */
    cors: corsSchema.optional(),
    csrf: csrfSchema.default(csrfSchema.parse({})),
    auth: authSchema.default({}),
  })
  .superRefine((config, ctx) => {
    for (const problem of routePolicyProblems(config)) {
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }
    // A mapping to a role the config does not define would grant nothing, silently.
    const oidc = config.auth.oidc;
    for (const [group, roles] of Object.entries(oidc?.role_mapping ?? {})) {
      for (const role of roles) {
        if (!Object.hasOwn(config.roles, role)) {
          ctx.addIssue({
            code: 'custom',
            path: ['auth', 'oidc', 'role_mapping', group],
            message: `role ${JSON.stringify(role)} is not defined under roles`,
          });
        }
      }
    }
    // `global` is one bucket for every route that uses it, so they must agree on its size.
    const globals = config.routes
      .flatMap((route, index) => {
        const limits = route.rate_limit || config.default_rate_limit;
        return (Array.isArray(limits) ? limits : [limits]).map((limit) => ({ limit, index }));
      })
      .filter(({ limit }) => limit && limit.scope === 'global');
    const first = globals[0]?.limit;
    for (const { limit, index } of globals) {
      if (
        limit &&
        first &&
        (limit.capacity !== first.capacity || limit.refill_per_second !== first.refill_per_second)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['routes', index, 'rate_limit'],
          message:
            'every route with scope global shares one bucket, so capacity and refill_per_second must match',
        });
      }
    }
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;
export type SessionsConfig = z.infer<typeof sessionsSchema>;
export type OidcConfig = z.infer<typeof oidcSchema>;
export type SecurityHeadersConfig = z.infer<typeof securityHeadersSchema>;
