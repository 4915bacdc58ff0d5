import { z } from 'zod';
import { HTTP_METHODS, isHttpMethod } from './http-methods';
import { isSerializedOrigin } from './origin';

/**
 * `cors:` (top level: the default of every route; on a route: replaces the default; `false`: off).
 * Origins are compared exactly as browsers serialize them (`https://app.example.com`, no path, no
 * trailing slash, lower case): a list entry that is not such an origin could never match, so it is
 * refused rather than silently dead.
 */
const corsOrigin = z.string().refine((value) => value === '*' || isSerializedOrigin(value), {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an origin: write scheme, host and port only, in lower case, without a path or trailing slash (https://app.example.com), or "*"`,
});

const corsMethod = z.string().refine(isHttpMethod, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an HTTP method (use ${HTTP_METHODS.join(', ')})`,
});

const corsHeaderName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, { error: 'must be an HTTP header name' })
  .transform((name) => name.toLowerCase());

export const corsSchema = z.strictObject({
  /** Exact origins allowed to call the route from a browser; `"*"` (any) only without credentials. */
  allow_origins: z.array(corsOrigin).min(1),
  /** Methods a preflight may ask for. @default the route's methods */
  allow_methods: z.array(corsMethod).min(1).optional(),
  /** Request headers a preflight may ask for (case-insensitive); `"*"`: any, without credentials. */
  allow_headers: z.array(corsHeaderName).default([]),
  /** Response headers a browser script may read. */
  expose_headers: z.array(corsHeaderName).default([]),
  /** Cookies go with cross-origin requests (`Access-Control-Allow-Credentials: true`). */
  allow_credentials: z.boolean().default(false),
  /** How long a browser may cache a preflight answer (browsers cap it: Chromium at 7200). */
  max_age_seconds: z.int().min(0).max(86_400).default(600),
});

export type CorsConfig = z.infer<typeof corsSchema>;

/** A route's `cors:`: its own policy, or `false` to turn the default off. */
export const routeCorsSchema = z.union([corsSchema, z.literal(false)]).optional();

/**
 * Problems with a CORS policy that depend on more than one field, as `field: message` lines, for
 * the config check to report against the route that uses it.
 */
export const corsProblems = (cors: CorsConfig): { field: string; message: string }[] => {
  const problems: { field: string; message: string }[] = [];
  if (cors.allow_credentials && cors.allow_origins.includes('*')) {
    problems.push({
      field: 'allow_origins',
      message:
        '"*" cannot be combined with allow_credentials: true (browsers refuse it, and answering with the caller\'s origin instead would let every site act with the user\'s cookies): list the exact origins',
    });
  }
  for (const field of ['allow_headers', 'expose_headers'] as const) {
    if (cors.allow_credentials && cors[field].includes('*')) {
      problems.push({
        field,
        message:
          '"*" means any header only without allow_credentials (with credentials browsers read it as a header named "*"): list the headers',
      });
    }
  }
  if (cors.allow_origins.includes('*') && cors.allow_origins.length > 1) {
    problems.push({
      field: 'allow_origins',
      message: '"*" already allows every origin: list it alone',
    });
  }
  return problems;
};
