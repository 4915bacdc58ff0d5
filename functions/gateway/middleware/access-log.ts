import { type Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import type { GatewayMiddleware, GatewayRequest } from '../chain/request-state';
import { ErrorCode, GatewayError } from '../http/errors';
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

const twoDecimals = (ms: number): number => Math.round(ms * 100) / 100;

/**
 * One access-log line and the request metrics per request, errors included. Register it outside
 * the error middleware, so it sees the final status, and inside `logMetrics`, so its metrics flush.
 * It reads what the other steps own: the route and the user from the request state, the upstream
 * timing the proxy returned (`context.upstream`), and why a request was refused from the error
 * itself (`error_code`, `reason`; for a 401 or 403 also `auth`), as the error middleware answered it.
 */
export const accessLog = (options: {
  logger: Logger;
  metrics: GatewayMetrics;
}): GatewayMiddleware => {
  const accessLogAfter = (request: GatewayRequest): void => {
    const { event, response, context, error } = request;
    const state = context.gateway;
    const status = response?.statusCode ?? 500;
    const latencyMs = state ? performance.now() - state.startedAt : 0;
    const routeId = routeIdOf(request);
    const upstreamMs = context.upstream?.upstreamMs;
    // What the error middleware answered with: a typed error as it is, anything else a 500.
    const failure =
      error === undefined || error === null
        ? undefined
        : error instanceof GatewayError
          ? error
          : { code: ErrorCode.internal, reason: undefined, statusCode: 500 };
    const refusedAuth =
      failure && (failure.statusCode === 401 || failure.statusCode === 403)
        ? (failure.reason ?? failure.code)
        : undefined;

    // Only the fields that have a value: the logger copies and serializes every key it is given.
    const line: Record<string, unknown> = {
      method: event?.requestContext?.http?.method,
      // The raw path, without the query (which may carry credentials).
      path: event?.rawPath,
      route: routeId,
      status,
      latency_ms: twoDecimals(latencyMs),
    };
    if (upstreamMs !== undefined) line.upstream_ms = twoDecimals(upstreamMs);
    const bytesIn = bodyBytes(event?.body, event?.isBase64Encoded);
    if (bytesIn !== undefined) line.bytes_in = bytesIn;
    const bytesOut = bodyBytes(response?.body, response?.isBase64Encoded);
    if (bytesOut !== undefined) line.bytes_out = bytesOut;
    const rateLimit = state?.rateLimit;
    if (rateLimit) {
      line.rate_limit = rateLimit.outcome;
      if (rateLimit.shadow) line.rate_limit_shadow = rateLimit.shadow;
    }
    const auth =
      refusedAuth ??
      state?.auth ??
      (state?.route?.route.config.auth_required === false ? 'public' : undefined);
    if (auth !== undefined) line.auth = auth;
    if (failure) {
      line.error_code = failure.code;
      if (failure.reason !== undefined) line.reason = failure.reason;
    }
    options.logger.info('request', line);

    options.metrics.request({ routeId, status, latencyMs, upstreamMs });
  };
  // At debug level, what came in; the logger's redaction keeps credentials out of it. The level is
  // checked per request (debug sampling may turn it on for one invocation), before building it.
  const accessLogBefore = (request: GatewayRequest): void => {
    if (options.logger.level > LogLevelThreshold.DEBUG) return;
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
