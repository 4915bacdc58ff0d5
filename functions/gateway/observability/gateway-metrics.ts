/** What the gateway measures, independent of where it goes (CloudWatch EMF, Prometheus). */
export interface RequestMeasurement {
  /** The route id (bounded by the config), never the raw path. */
  readonly routeId: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly upstreamMs?: number | undefined;
}

/**
 * The metrics port the middlewares use. Labels are low-cardinality by construction: route ids come
 * from the config, reasons and dependencies from fixed lists; never a user id, raw path or IP.
 */
export interface GatewayMetrics {
  request(measurement: RequestMeasurement): void;
  rateLimited(routeId: string): void;
  /** A `mode: shadow` limit would have refused the request; it went through. */
  rateLimitedShadow(routeId: string): void;
  /** The limiter could not decide and the route let the request through. */
  rateLimitFailOpen(routeId: string): void;
  /** A 401 or 403, by reason (`expired`, `bad_signature`, `missing_permission`, ...). */
  authFailure(reason: string): void;
  /** A dependency failed (`dynamodb`, `redis`, `upstream`), whatever the route did about it. */
  dependencyError(dependency: string): void;
}

/** Sends every measurement to each sink (the local server: EMF and Prometheus). */
export const fanOutMetrics = (...sinks: readonly GatewayMetrics[]): GatewayMetrics => ({
  request: (m) => {
    for (const sink of sinks) sink.request(m);
  },
  rateLimited: (routeId) => {
    for (const sink of sinks) sink.rateLimited(routeId);
  },
  rateLimitedShadow: (routeId) => {
    for (const sink of sinks) sink.rateLimitedShadow(routeId);
  },
  rateLimitFailOpen: (routeId) => {
    for (const sink of sinks) sink.rateLimitFailOpen(routeId);
  },
  authFailure: (reason) => {
    for (const sink of sinks) sink.authFailure(reason);
  },
  dependencyError: (dependency) => {
    for (const sink of sinks) sink.dependencyError(dependency);
  },
});

export const statusClass = (status: number): string => `${Math.trunc(status / 100)}xx`;
