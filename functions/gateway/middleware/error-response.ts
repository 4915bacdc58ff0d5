import type { Logger } from '@aws-lambda-powertools/logger';
import type { GatewayMiddleware, GatewayRequest } from '../chain/request-state';
import { asGatewayError, errorResult } from '../http/error-result';
import type { GatewayMetrics } from '../observability/gateway-metrics';
import { rootCause } from '../observability/root-cause';

/**
 * The one place errors become responses: every error, typed or not, turns into the JSON contract.
 * Register it after the header middlewares so their `onError` decorates its response.
 */
export const errorResponse = (options: {
  logger: Logger;
  metrics: GatewayMetrics;
}): GatewayMiddleware => {
  const errorResponseOnError = (request: GatewayRequest): void => {
    const error = asGatewayError(request.error);
    const correlationId = request.context.gateway?.correlationId ?? request.context.awsRequestId;
    // A 4xx is the client's doing: the access-log line says why (it reads the error itself), and
    // nothing else is logged. A 5xx also gets an ERROR line with the cause, its innermost error at
    // the top level.
    if (error.statusCode >= 500) {
      options.logger.error('request failed', {
        error_code: error.code,
        reason: error.reason,
        ...rootCause(error.cause ?? error),
        error: error.cause ?? error,
      });
    }
    if (error.statusCode === 401 || error.statusCode === 403) {
      options.metrics.authFailure(error.reason ?? error.code);
    }
    if (error.dependency) options.metrics.dependencyError(error.dependency);
    request.response = errorResult(error, correlationId);
  };
  return { onError: errorResponseOnError };
};
