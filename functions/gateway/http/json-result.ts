import { Header } from './header-names';
import type { FunctionUrlResult } from './types';

/** A JSON response in the Function URL result shape. */
export const jsonResult = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): FunctionUrlResult => ({
  statusCode,
  headers: {
    [Header.contentType]: 'application/json; charset=utf-8',
    [Header.cacheControl]: 'no-store',
    ...headers,
  },
  body: JSON.stringify(body),
  isBase64Encoded: false,
});
