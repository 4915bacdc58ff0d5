import { ErrorCode, GatewayError, InternalError, PublicMessage } from './errors';
import { jsonResult } from './json-result';
import type { FunctionUrlResult } from './types';

/** The JSON error contract: `{error, message, correlation_id, timestamp}`. */
export interface ErrorBody {
  error: string;
  message: string;
  correlation_id: string;
  timestamp: string;
}

/** A 5xx's message for clients: its code's, else the 500's (a code with no public message). */
const publicMessage = (error: GatewayError): string =>
  (PublicMessage as Partial<Record<string, string>>)[error.code] ??
  PublicMessage[ErrorCode.internal];

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
    message: error.expose ? error.message : publicMessage(error),
    correlation_id: correlationId,
    timestamp: now.toISOString(),
  };
  return jsonResult(error.statusCode, body, error.headers);
};
