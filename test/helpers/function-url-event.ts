import type { FunctionUrlEvent } from '../../functions/gateway/http/types';

export interface EventOptions {
  method?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string | Buffer;
  sourceIp?: string;
}

/** A Function URL event (payload 2.0) as Lambda delivers it. */
export const functionUrlEvent = (options: EventOptions = {}): FunctionUrlEvent => {
  const path = options.path ?? '/';
  const method = options.method ?? 'GET';
  const binary = Buffer.isBuffer(options.body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: options.query ?? '',
    ...(options.cookies ? { cookies: options.cookies } : {}),
    headers: {
      host: 'abc123.lambda-url.eu-west-1.on.aws',
      'x-forwarded-proto': 'https',
      'user-agent': 'jest',
      ...options.headers,
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abc123',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '203.0.113.9',
        userAgent: 'jest',
      },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '29/Nov/2026:05:00:00 +0000',
      timeEpoch: 1795928400000,
    },
    ...(options.body === undefined
      ? { isBase64Encoded: false }
      : binary
        ? { body: (options.body as Buffer).toString('base64'), isBase64Encoded: true }
        : { body: options.body as string, isBase64Encoded: false }),
  };
};
