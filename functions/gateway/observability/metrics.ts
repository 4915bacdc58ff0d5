import { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from './logger';

/** Metric names are a contract with users' dashboards and alarms: rename nothing. */
export const MetricName = {
  requests: 'Requests',
  latency: 'Latency',
  upstreamLatency: 'UpstreamLatency',
  responses2xx: 'Responses2xx',
  responses3xx: 'Responses3xx',
  responses4xx: 'Responses4xx',
  responses5xx: 'Responses5xx',
  rateLimited: 'RateLimited',
  rateLimitFailOpen: 'RateLimitFailOpen',
  /** A `mode: shadow` limit would have refused the request (it went through). */
  rateLimitedShadow: 'RateLimitedShadow',
  authFailures: 'AuthFailures',
  dependencyErrors: 'DependencyErrors',
  coldStart: 'ColdStart',
} as const;

/** The one Metrics instance of the function, flushed as CloudWatch EMF after every invocation. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Gateway',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'gateway',
  // The library's own warnings become structured (and redacted) log lines.
  logger,
});
