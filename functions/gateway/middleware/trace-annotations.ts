import { type GatewayMiddleware, requestState } from '../chain/request-state';
import type { Tracing } from '../observability/tracing';

/**
 * Puts the correlation id and the route id on the invocation's trace, so a trace can be found
 * from an access log line (and the reverse) and traces can be grouped by route. Runs after routing.
 */
export const traceAnnotations = (tracing: Tracing): GatewayMiddleware => ({
  before: (request) => {
    const state = requestState(request.context);
    tracing.annotate('correlation_id', state.correlationId);
    const routeId = state.route?.route.id ?? state.builtin;
    if (routeId) tracing.annotate('route', routeId);
  },
});
