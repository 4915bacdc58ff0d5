import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';

/** A Lambda Function URL request, payload format 2.0. */
export type FunctionUrlEvent = LambdaFunctionURLEvent;

/**
 * What the gateway returns to the Function URL. Always the structured form (never a bare string),
 * so that the status, headers and cookies are explicit.
 */
export type FunctionUrlResult = Exclude<LambdaFunctionURLResult, string> & {
  statusCode: number;
  headers: Record<string, string>;
};
