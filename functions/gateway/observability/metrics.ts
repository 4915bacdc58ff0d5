import { Metrics } from '@aws-lambda-powertools/metrics';

/** Metric names are a contract with users' dashboards and alarms: rename nothing. */
export const MetricName = {
  requests: 'Requests',
  latency: 'Latency',
  upstreamLatency: 'UpstreamLatency',
  responses2xx: 'Responses2xx',
  responses3xx: 'Responses3xx',
  responses4xx: 'Responses4xx',
  responses5xx: 'Responses5xx',
  upstreamErrors: 'UpstreamErrors',
  rateLimited: 'RateLimited',
  rateLimitFailOpen: 'RateLimitFailOpen',
} as const;

/** The one Metrics instance of the function, flushed as CloudWatch EMF after every invocation. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Gateway',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'gateway',
});
