import { Counter, Histogram, Registry } from 'prom-client';
import {
  type GatewayMetrics,
  statusClass,
} from '../functions/gateway/observability/gateway-metrics';

const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/**
 * The same measurements as the EMF metrics, in Prometheus text format, for `GET /metrics` on the
 * local server: so the gateway can be watched off Lambda too.
 */
export const prometheusMetrics = (): { metrics: GatewayMetrics; registry: Registry } => {
  const registry = new Registry();
  const requests = new Counter({
    name: 'gateway_requests_total',
    help: 'Requests by route and status class',
    labelNames: ['route', 'status_class'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'gateway_request_duration_milliseconds',
    help: 'Time the gateway took per request',
    labelNames: ['route'],
    buckets: LATENCY_BUCKETS_MS,
    registers: [registry],
  });
  const upstreamLatency = new Histogram({
    name: 'gateway_upstream_duration_milliseconds',
    help: 'Time spent waiting on the upstream per request',
    labelNames: ['route'],
    buckets: LATENCY_BUCKETS_MS,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Requests refused with 429',
    labelNames: ['route'],
    registers: [registry],
  });
  const rateLimitedShadow = new Counter({
    name: 'gateway_rate_limited_shadow_total',
    help: 'Requests a mode: shadow limit would have refused (they went through)',
    labelNames: ['route'],
    registers: [registry],
  });
  const failOpen = new Counter({
    name: 'gateway_rate_limit_fail_open_total',
    help: 'Requests let through because the limiter could not decide',
    labelNames: ['route'],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'gateway_auth_failures_total',
    help: '401 and 403 by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const dependencyErrors = new Counter({
    name: 'gateway_dependency_errors_total',
    help: 'Failures of dynamodb, redis or upstream',
    labelNames: ['dependency'],
    registers: [registry],
  });
  const coldStarts = new Counter({
    name: 'gateway_cold_starts_total',
    help: 'Process starts',
    registers: [registry],
  });
  coldStarts.inc();

  return {
    registry,
    metrics: {
      request: ({ routeId, status, latencyMs, upstreamMs }) => {
        requests.inc({ route: routeId, status_class: statusClass(status) });
        latency.observe({ route: routeId }, latencyMs);
        if (upstreamMs !== undefined) upstreamLatency.observe({ route: routeId }, upstreamMs);
      },
      rateLimited: (routeId) => rateLimited.inc({ route: routeId }),
      rateLimitedShadow: (routeId) => rateLimitedShadow.inc({ route: routeId }),
      rateLimitFailOpen: (routeId) => failOpen.inc({ route: routeId }),
      authFailure: (reason) => authFailures.inc({ reason }),
      dependencyError: (dependency) => dependencyErrors.inc({ dependency }),
    },
  };
};
