import type { Logger } from '@aws-lambda-powertools/logger';
import { asGatewayError, errorResult } from '../http/error-result';
import type { GatewayMiddleware, GatewayRequest } from '../http/types';
import type { GatewayMetrics } from '../observability/gateway-metrics';

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
    if (error.statusCode >= 500) {
      options.logger.error('request failed', {
        error_code: error.code,
        reason: error.reason,
        error: error.cause ?? error,
      });
    } else {
      options.logger.info('request refused', { error_code: error.code, reason: error.reason });
    }
    if (error.statusCode === 401 || error.statusCode === 403) {
      const reason = error.reason ?? error.code;
      if (request.context.gateway) request.context.gateway.auth = reason;
      options.metrics.authFailure(reason);
    }
    if (error.dependency) options.metrics.dependencyError(error.dependency);
    request.response = errorResult(error, correlationId);
  };
  return { onError: errorResponseOnError };
};
