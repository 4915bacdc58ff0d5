import { z } from 'zod';

/**
 * The route table's older spelling, `middleware: [auth, ratelimit]`: `auth` is
 * `auth_required: true`, `ratelimit` is "rate limited" (by `rate_limit`, else the top-level
 * `default_rate_limit`). A name left out means the opposite, so the two spellings can contradict
 * each other; that is a config error rather than a guess at which one was meant.
 */
export const SEED_MIDDLEWARE = ['auth', 'ratelimit'] as const;

export const seedMiddlewareSchema = z
  .array(
    z.enum(SEED_MIDDLEWARE, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a middleware name (use ${SEED_MIDDLEWARE.join(', ')})`,
    }),
  )
  .refine((names) => new Set(names).size === names.length, { error: 'lists a name twice' })
  .optional();

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns `middleware:` into the fields it stands for before the route is validated, reporting
 * contradictions with fields the route also sets. Input the schema will refuse anyway (not an
 * object, `middleware` not a list of names) passes through unchanged for the schema to report.
 */
export const resolveSeedMiddleware = (input: unknown, ctx: z.RefinementCtx): unknown => {
  if (!isRecord(input) || !Array.isArray(input.middleware)) return input;
  const names = input.middleware as unknown[];
  if (!names.every((name) => SEED_MIDDLEWARE.includes(name as 'auth'))) return input;
  const auth = names.includes('auth');
  const limited = names.includes('ratelimit');
  const listed = `middleware: [${names.join(', ')}]`;
  const resolved: Record<string, unknown> = { ...input };
  if (input.auth_required !== undefined && input.auth_required !== auth) {
    ctx.addIssue({
      code: 'custom',
      path: ['auth_required'],
      message: `${String(input.auth_required)} contradicts ${listed} (${auth ? 'auth means auth_required: true' : 'without auth the route is public'}): keep one spelling`,
      input,
    });
  }
  resolved.auth_required = auth;
  if (limited && input.rate_limit === false) {
    ctx.addIssue({
      code: 'custom',
      path: ['rate_limit'],
      message: `false contradicts ${listed} (ratelimit asks for a limit): keep one spelling`,
      input,
    });
  }
  if (!limited) {
    if (input.rate_limit !== undefined && input.rate_limit !== false) {
      ctx.addIssue({
        code: 'custom',
        path: ['rate_limit'],
        message: `contradicts ${listed} (no ratelimit means no limit): add ratelimit to middleware, or drop one spelling`,
        input,
      });
    }
    resolved.rate_limit = false;
  }
  return resolved;
};
