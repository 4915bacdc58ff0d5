import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type GatewayMetrics, statusClass } from './gateway-metrics';
import { MetricDimension, MetricName } from './metric-names';

const responsesByClass: Readonly<Record<string, string>> = {
  '2xx': MetricName.responses2xx,
  '3xx': MetricName.responses3xx,
  '4xx': MetricName.responses4xx,
  '5xx': MetricName.responses5xx,
};

/**
 * `GatewayMetrics` as CloudWatch EMF through Powertools. The request's metrics go in the
 * invocation's document (flushed by `logMetrics`, errors included) under three dimension sets,
 * [service, route], [service, status_class] and [service]; per route and class, use `Responses2xx`..`5xx`
 * (a set naming `route` twice makes Powertools warn on every flush). Counters with their own dimension
 * (reason, dependency) go out at once as single-metric documents, so they never multiply the
 * request metrics.
 */
export const emfMetrics = (metrics: Metrics): GatewayMetrics => ({
  request: ({ routeId, status, latencyMs, upstreamMs }) => {
    const klass = statusClass(status);
    metrics.addDimension(MetricDimension.route, routeId);
    metrics.addDimensions({ [MetricDimension.statusClass]: klass });
    // [service] alone: gateway-wide totals, which alarms need (they cannot sum with SEARCH).
    metrics.addDimensions({});
    metrics.addMetric(MetricName.requests, MetricUnit.Count, 1);
    metrics.addMetric(MetricName.latency, MetricUnit.Milliseconds, latencyMs);
    if (upstreamMs !== undefined)
      metrics.addMetric(MetricName.upstreamLatency, MetricUnit.Milliseconds, upstreamMs);
    const byClass = responsesByClass[klass];
    if (byClass) metrics.addMetric(byClass, MetricUnit.Count, 1);
  },
  rateLimited: () => metrics.addMetric(MetricName.rateLimited, MetricUnit.Count, 1),
  rateLimitedShadow: () => metrics.addMetric(MetricName.rateLimitedShadow, MetricUnit.Count, 1),
  rateLimitFailOpen: () => metrics.addMetric(MetricName.rateLimitFailOpen, MetricUnit.Count, 1),
  authFailure: (reason) => {
    const single = metrics.singleMetric();
    single.addDimension(MetricDimension.reason, reason);
    single.addMetric(MetricName.authFailures, MetricUnit.Count, 1);
  },
  dependencyError: (dependency) => {
    const single = metrics.singleMetric();
    single.addDimension(MetricDimension.dependency, dependency);
    single.addMetric(MetricName.dependencyErrors, MetricUnit.Count, 1);
  },
});
