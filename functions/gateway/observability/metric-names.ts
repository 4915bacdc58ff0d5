/**
 * The names of the gateway's EMF metrics and their dimensions, shared by the runtime that emits them
 * and the CDK app whose dashboard and alarms read them. Dependency-free on purpose: `lib/` imports it
 * (see docs/architecture.md). They are a contract with users' dashboards and alarms: rename nothing.
 */
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
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** The dimensions the gateway's metrics carry (`service` is Powertools' own). */
export const MetricDimension = {
  service: 'service',
  route: 'route',
  statusClass: 'status_class',
  reason: 'reason',
  dependency: 'dependency',
} as const;

/** Used when `POWERTOOLS_METRICS_NAMESPACE` / `POWERTOOLS_SERVICE_NAME` are not set. */
export const DEFAULT_METRICS_NAMESPACE = 'Gateway';
export const DEFAULT_SERVICE_NAME = 'gateway';
