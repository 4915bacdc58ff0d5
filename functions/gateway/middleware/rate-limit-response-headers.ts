import type { GatewayMiddleware, GatewayRequest } from '../chain/request-state';

/**
 * Puts the limiter's `RateLimit-*` headers on the response, errors included (a request that got
 * through the limiter and then failed upstream still spent its token). Registered outside the error
 * middleware, as the security headers are, so its `onError` sees the error response.
 */
export const rateLimitResponseHeaders = (): GatewayMiddleware => {
  const rateLimitResponseHeadersAfter = (request: GatewayRequest): void => {
    const headers = request.context.gateway?.rateLimit?.headers;
    const response = request.response;
    if (!headers || !response) return;
    for (const [name, value] of Object.entries(headers)) response.headers[name] ??= value;
  };
  return { after: rateLimitResponseHeadersAfter, onError: rateLimitResponseHeadersAfter };
};
