import type { GatewayMiddleware, GatewayRequest } from '../chain/request-state';
import type { SecurityHeadersConfig } from '../config/schema';

export const securityHeaderValues = (config: SecurityHeadersConfig): Record<string, string> => ({
  'strict-transport-security': config.strict_transport_security,
  'x-content-type-options': 'nosniff',
  'x-frame-options': config.x_frame_options,
  'content-security-policy': config.content_security_policy,
  'referrer-policy': config.referrer_policy,
});

/**
 * Adds the security headers to every response, errors included. An upstream's own value wins
 * (it knows its content: an HTML app needs its own CSP); the gateway fills in what is missing.
 */
export const securityHeaders = (config: SecurityHeadersConfig): GatewayMiddleware => {
  const values = Object.entries(securityHeaderValues(config));
  const securityHeadersAfter = (request: GatewayRequest): void => {
    const response = request.response;
    if (!response) return;
    for (const [name, value] of values) {
      if (response.headers[name] === undefined) response.headers[name] = value;
    }
  };
  return { after: securityHeadersAfter, onError: securityHeadersAfter };
};
