import { Header } from './header-names';

/** Stable error codes: they are part of the public error contract (`error` in the JSON body). */
export const ErrorCode = {
  badRequest: 'bad_request',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  csrfRejected: 'csrf_rejected',
  corsRejected: 'cors_rejected',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  payloadTooLarge: 'payload_too_large',
  rateLimited: 'rate_limited',
  internal: 'internal_error',
  badGateway: 'bad_gateway',
  unavailable: 'unavailable',
  upstreamTimeout: 'upstream_timeout',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * What clients read for a 5xx, whatever detail the error carries for the logs: the one copy, used
 * by the error classes below and by the error contract (`error-result.ts`).
 */
export const PublicMessage = {
  [ErrorCode.internal]: 'The gateway failed to handle this request',
  [ErrorCode.badGateway]: 'The upstream service failed to answer correctly',
  [ErrorCode.unavailable]: 'The service is temporarily unavailable',
  [ErrorCode.upstreamTimeout]: 'The upstream service did not answer in time',
} as const satisfies Partial<Record<ErrorCode, string>>;

/**
 * Every refusal the gateway makes is a `GatewayError`: the error middleware turns it into the JSON
 * contract. `expose` is false for 5xx so internals never reach the client; `reason` is for logs.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly expose: boolean;
  readonly headers: Record<string, string>;
  /** Machine-readable reason for logs and metrics (e.g. `bad_signature`); never sent. */
  readonly reason: string | undefined;
  /** The dependency that failed (`dynamodb`, `redis`, `upstream`), for 5xx caused by one. */
  readonly dependency: string | undefined;

  constructor(
    statusCode: number,
    code: ErrorCode,
    message: string,
    options: {
      headers?: Record<string, string>;
      reason?: string;
      dependency?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = code;
    this.expose = statusCode < 500;
    this.headers = options.headers ?? {};
    this.reason = options.reason;
    this.dependency = options.dependency;
  }
}

type Options = ConstructorParameters<typeof GatewayError>[3];

export class BadRequestError extends GatewayError {
  constructor(message: string, options?: Options) {
    super(400, ErrorCode.badRequest, message, options);
  }
}

export class UnauthenticatedError extends GatewayError {
  constructor(message = 'A valid session is required', options?: Options) {
    super(401, ErrorCode.unauthenticated, message, options);
  }
}

export class ForbiddenError extends GatewayError {
  constructor(message = 'You do not have permission to access this resource', options?: Options) {
    super(403, ErrorCode.forbidden, message, options);
  }
}

/** An unsafe request with the session cookie, sent by another site's page (see `middleware/csrf.ts`). */
export class CsrfRejectedError extends GatewayError {
  constructor(options?: Options) {
    super(
      403,
      ErrorCode.csrfRejected,
      'Cross-site request refused: this request carries the session cookie but was not sent by a trusted origin',
      options,
    );
  }
}

/** A CORS preflight the route's `cors` does not allow (origin, method or headers). */
export class CorsRejectedError extends GatewayError {
  constructor(message: string, options?: Options) {
    super(403, ErrorCode.corsRejected, message, options);
  }
}

export class NotFoundError extends GatewayError {
  constructor(message = 'No route matches this path', options?: Options) {
    super(404, ErrorCode.notFound, message, options);
  }
}

export class MethodNotAllowedError extends GatewayError {
  constructor(allowed: readonly string[], options?: Options) {
    super(405, ErrorCode.methodNotAllowed, `Allowed methods: ${allowed.join(', ')}`, {
      ...options,
      headers: { [Header.allow]: allowed.join(', '), ...options?.headers },
    });
  }
}

export class PayloadTooLargeError extends GatewayError {
  constructor(limitBytes: number, options?: Options) {
    super(413, ErrorCode.payloadTooLarge, `Request body exceeds ${limitBytes} bytes`, options);
  }
}

export class RateLimitedError extends GatewayError {
  constructor(message = 'Too many requests', options?: Options) {
    super(429, ErrorCode.rateLimited, message, options);
  }
}

export class InternalError extends GatewayError {
  constructor(options?: Options) {
    super(500, ErrorCode.internal, PublicMessage[ErrorCode.internal], options);
  }
}

export class BadGatewayError extends GatewayError {
  constructor(options?: Options) {
    super(502, ErrorCode.badGateway, PublicMessage[ErrorCode.badGateway], options);
  }
}

export class UnavailableError extends GatewayError {
  constructor(options?: Options) {
    super(503, ErrorCode.unavailable, PublicMessage[ErrorCode.unavailable], options);
  }
}

export class UpstreamTimeoutError extends GatewayError {
  constructor(options?: Options) {
    super(504, ErrorCode.upstreamTimeout, PublicMessage[ErrorCode.upstreamTimeout], options);
  }
}
