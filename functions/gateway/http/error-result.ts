import { ErrorCode, GatewayError, InternalError } from './errors';
import { jsonResult } from './json-result';
import type { FunctionUrlResult } from './types';

/** The JSON error contract: `{error, message, correlation_id, timestamp}`. */
export interface ErrorBody {
  error: string;
  message: string;
  correlation_id: string;
  timestamp: string;
}

/** What clients read for a 5xx, whatever detail the error carries for the logs. */
const publicMessages: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.internal]: 'The gateway failed to handle this request',
  [ErrorCode.badGateway]: 'The upstream service failed to answer correctly',
  [ErrorCode.unavailable]: 'The service is temporarily unavailable',
  [ErrorCode.upstreamTimeout]: 'The upstream service did not answer in time',
};

/** Anything thrown becomes a GatewayError; unknown errors are a 500 that reveals nothing. */
export const asGatewayError = (error: unknown): GatewayError =>
  error instanceof GatewayError ? error : new InternalError({ cause: error });

export const errorResult = (
  error: GatewayError,
  correlationId: string,
  now = new Date(),
): FunctionUrlResult => {
  const body: ErrorBody = {
    error: error.code,
    message: error.expose ? error.message : (publicMessages[error.code] ?? 'Internal error'),
    correlation_id: correlationId,
    timestamp: now.toISOString(),
  };
  return jsonResult(error.statusCode, body, error.headers);
};
