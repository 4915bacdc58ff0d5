import type { Logger } from '@aws-lambda-powertools/logger';
import type { GatewayMiddleware, GatewayRequest } from '../chain/request-state';
import type { GatewayMetrics } from '../observability/gateway-metrics';

/** Bytes of a buffered body; undefined for a streamed one (its size is not known yet). */
const bodyBytes = (body: unknown, base64: boolean | undefined): number | undefined => {
  if (body === undefined || body === null || body === '') return 0;
  if (typeof body !== 'string') return undefined;
  return base64 ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
};

/** A route id for logs and metric dimensions: bounded by the config, never the raw path. */
const routeIdOf = (request: GatewayRequest): string => {
  const state = request.context.gateway;
  if (state?.builtin === 'auth') return 'auth';
  if (state?.builtin) return `health_${state.builtin}`;
  return state?.route?.route.id ?? state?.preflight?.routeId ?? 'unmatched';
};

/**
 * One access-log line and the request metrics per request, errors included. Register it outside
 * the error middleware, so it sees the final status, and inside `logMetrics`, so its metrics flush.
 */
export const accessLog = (options: {
  logger: Logger;
  metrics: GatewayMetrics;
}): GatewayMiddleware => {
  const accessLogAfter = (request: GatewayRequest): void => {
    const state = request.context.gateway;
    const status = request.response?.statusCode ?? 500;
    const latencyMs = state ? performance.now() - state.startedAt : 0;
    const routeId = routeIdOf(request);

    options.logger.info('request', {
      method: request.event?.requestContext?.http?.method,
      // The raw path, without the query (which may carry credentials).
      path: request.event?.rawPath,
      route: routeId,
      status,
      latency_ms: Number(latencyMs.toFixed(2)),
      upstream_ms:
        state?.upstreamMs === undefined ? undefined : Number(state.upstreamMs.toFixed(2)),
      bytes_in: bodyBytes(request.event?.body, request.event?.isBase64Encoded),
      bytes_out: bodyBytes(request.response?.body, request.response?.isBase64Encoded),
      rate_limit: state?.rateLimit?.outcome,
      rate_limit_shadow: state?.rateLimit?.shadow,
      auth:
        state?.auth ?? (state?.route?.route.config.auth_required === false ? 'public' : undefined),
      error_code: state?.error?.code,
      reason: state?.error?.reason,
    });

    options.metrics.request({ routeId, status, latencyMs, upstreamMs: state?.upstreamMs });
  };
  // At debug level, what came in; the logger's redaction keeps credentials out of it.
  const accessLogBefore = (request: GatewayRequest): void => {
    options.logger.debug('request received', {
      method: request.event?.requestContext?.http?.method,
      path: request.event?.rawPath,
      query: request.event?.rawQueryString,
      headers: request.event?.headers,
      cookies: request.event?.cookies,
    });
  };
  return { before: accessLogBefore, after: accessLogAfter, onError: accessLogAfter };
};
