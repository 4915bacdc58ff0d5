import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import type { FunctionUrlEvent, FunctionUrlResult, GatewayContext } from '../http/types';
import { MetricName } from '../observability/metrics';

type GatewayRequest = Request<FunctionUrlEvent, FunctionUrlResult, Error, GatewayContext>;

const statusClassMetric = {
  2: MetricName.responses2xx,
  3: MetricName.responses3xx,
  4: MetricName.responses4xx,
  5: MetricName.responses5xx,
} as const;

const bodyBytes = (body: string | undefined | null, base64: boolean | undefined): number => {
  if (!body) return 0;
  return base64 ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
};

/** A route id for logs and metric dimensions: bounded by the config, never the raw path. */
const routeIdOf = (request: GatewayRequest): string => {
  const state = request.context.gateway;
  if (state?.builtin) return `health_${state.builtin}`;
  return state?.route?.route.id ?? 'unmatched';
};

/**
 * One access-log line and the request metrics per request, errors included. Register it outside
 * the error middleware, so it sees the final status, and inside `logMetrics`, so its metrics flush.
 */
export const accessLog = (options: {
  logger: Logger;
  metrics: Metrics;
}): MiddlewareObj<FunctionUrlEvent, FunctionUrlResult, Error, GatewayContext> => {
  const accessLogAfter = (request: GatewayRequest): void => {
    const state = request.context.gateway;
    const status = request.response?.statusCode ?? 500;
    const latencyMs = state ? performance.now() - state.startedAt : 0;
    const routeId = routeIdOf(request);
    const statusClass = Math.trunc(status / 100) as keyof typeof statusClassMetric;

    options.logger.info('request', {
      method: request.event?.requestContext?.http?.method,
      route: routeId,
      status,
      latency_ms: Number(latencyMs.toFixed(2)),
      upstream_ms:
        state?.upstreamMs === undefined ? undefined : Number(state.upstreamMs.toFixed(2)),
      bytes_in: bodyBytes(request.event?.body, request.event?.isBase64Encoded),
      bytes_out: bodyBytes(request.response?.body, request.response?.isBase64Encoded),
      rate_limit: state?.rateLimit?.outcome,
    });

    const { metrics } = options;
    metrics.addDimension('route', routeId);
    metrics.addMetric(MetricName.requests, MetricUnit.Count, 1);
    metrics.addMetric(MetricName.latency, MetricUnit.Milliseconds, latencyMs);
    if (state?.upstreamMs !== undefined) {
      metrics.addMetric(MetricName.upstreamLatency, MetricUnit.Milliseconds, state.upstreamMs);
    }
    const classMetric = statusClassMetric[statusClass];
    if (classMetric) metrics.addMetric(classMetric, MetricUnit.Count, 1);
  };
  return { after: accessLogAfter, onError: accessLogAfter };
};
