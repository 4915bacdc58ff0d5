/**
 * Request headers a client must never get to the upstream, by family. Upstreams behind a gateway
 * commonly trust these as statements made by the gateway (who the user is, the client's address,
 * the path or method the "front end" saw), so one a client could set would let it pose as another
 * user, another address or another route. The gateway sets the ones it vouches for itself.
 *
 * Names are compared after `foldHeaderName`: lower case, with every character other than a letter
 * or digit read as `-`. Servers that map header names to variables (CGI, PHP, many WSGI/Rack
 * stacks: `HTTP_X_USER_ID`) read `X_User_Id`, `x.user.id` and `X-User-Id` as one name, so removing
 * only the exact spelling is no removal at all.
 */
export const RequestHeaderFamily = {
  /** Proxy chains (RFC 7239 and its `X-` predecessors): the gateway writes its own X-Forwarded-*. */
  forwarded: {
    names: ['forwarded', 'x-forwarded', 'x-original-forwarded-for', 'x-forwarded-for-original'],
    prefixes: ['x-forwarded-'],
  },
  /** The client's address as CDNs and load balancers state it; rate limits and audit logs read them. */
  clientAddress: {
    names: [
      'x-real-ip',
      'true-client-ip',
      'x-client-ip',
      'client-ip',
      'x-cluster-client-ip',
      'cf-connecting-ip',
      'cf-connecting-ipv6',
      'fastly-client-ip',
      'x-originating-ip',
      'x-remote-ip',
      'x-remote-addr',
      'x-envoy-external-address',
      // CloudFront's statement; the gateway reads it only behind CloudFront, then states XFF.
      'cloudfront-viewer-address',
    ],
    prefixes: [],
  },
  /**
   * Rewrites and overrides: IIS, Symfony, Laravel, Express' method-override and others route by
   * these instead of the request line, so a client could reach a path or method the gateway never
   * authorized.
   */
  rewriteOrOverride: {
    names: [
      'x-original-url',
      'x-original-uri',
      'x-rewrite-url',
      'x-original-host',
      'x-original-method',
      'x-host',
      'x-http-host-override',
      'x-envoy-original-path',
      'x-http-method-override',
      'x-http-method',
      'x-method-override',
    ],
    prefixes: [],
  },
  /**
   * Who the user is, as the gateway's default user-context headers (configured or not: an upstream
   * may still read the defaults after a rename) and as other auth proxies state it.
   */
  userIdentity: {
    names: [
      'x-user-id',
      'x-user-roles',
      'x-user-permissions',
      'remote-user',
      'x-remote-user',
      'x-authenticated-user',
      'x-authenticated-userid',
    ],
    prefixes: ['x-auth-request-'],
  },
  /**
   * Set by the gateway or by the HTTP client from what they know, never copied: the upstream's
   * `Host` and `Content-Length`, the cookies minus the session, the correlation id. `Expect` too:
   * the Function URL has read the whole body before the gateway runs, so `100-continue` means
   * nothing upstream, and undici refuses the header outright.
   */
  gatewayOwned: {
    names: [
      'host',
      'content-length',
      'cookie',
      'x-correlation-id',
      'expect',
      // The viewer's Authorization in transit from the edge; restored as Authorization or dropped.
      'x-gateway-viewer-authorization',
      // The trace context is the gateway's: with tracing on, the tracer writes one naming the
      // upstream call's subsegment; a copied one would make two, or tie the call to the wrong parent.
      'x-amzn-trace-id',
    ],
    prefixes: [],
  },
} as const satisfies Record<string, { names: readonly string[]; prefixes: readonly string[] }>;

const NOT_ALNUM_OR_DASH = /[^a-z0-9-]/;
const NOT_ALNUM = /[^a-z0-9]/g;

/** A lower-case header name as servers that fold separators read it: `x_user.id` -> `x-user-id`. */
export const foldHeaderName = (lowerName: string): string =>
  // Most names need no folding: test before allocating.
  NOT_ALNUM_OR_DASH.test(lowerName) ? lowerName.replace(NOT_ALNUM, '-') : lowerName;

const families = Object.values(RequestHeaderFamily);
const FIXED_NAMES: ReadonlySet<string> = new Set(families.flatMap((family) => family.names));
const PREFIXES: readonly string[] = families.flatMap((family) => family.prefixes);

/**
 * The names (folded) a client may not send, for a given set of configured user-context header
 * names: the fixed families plus those. Build once per config.
 */
export const clientForbiddenNames = (userHeaders: readonly string[]): ReadonlySet<string> =>
  new Set([...FIXED_NAMES, ...userHeaders.map((name) => foldHeaderName(name.toLowerCase()))]);

/** True when a client header (its folded name) belongs to one of the families. */
export const isClientForbidden = (folded: string, forbidden: ReadonlySet<string>): boolean => {
  if (forbidden.has(folded)) return true;
  for (const prefix of PREFIXES) if (folded.startsWith(prefix)) return true;
  return false;
};
