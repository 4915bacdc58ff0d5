import { z } from 'zod';
import { isSerializedOrigin } from './origin';

const trustedOrigin = z.string().refine((value) => isSerializedOrigin(value), {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an origin: write scheme, host and port only, in lower case, without a path or trailing slash (https://app.example.com)`,
});

/**
 * Top-level `csrf:`. Origins (besides the gateway's own and each route's CORS origins) whose pages
 * may send unsafe requests with the session cookie. Behind CloudFront, the gateway's public origin
 * (the distribution's or custom domain) belongs here: the function sees only its own URL's host.
 */
export const csrfSchema = z.strictObject({
  trusted_origins: z.array(trustedOrigin).default([]),
});

export type CsrfConfig = z.infer<typeof csrfSchema>;

/** A route's `csrf:`: on (the default) for cookie-authenticated routes, `false` for cookie-less APIs. */
export const routeCsrfSchema = z.boolean().default(true);
