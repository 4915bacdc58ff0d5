import type { FunctionUrlResult } from './types';

/** A JSON response in the Function URL result shape. */
export const jsonResult = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): FunctionUrlResult => ({
  statusCode,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  },
  body: JSON.stringify(body),
  isBase64Encoded: false,
});
