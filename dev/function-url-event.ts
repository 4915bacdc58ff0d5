import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { isTextualContentType } from '../functions/gateway/http/textual-content';

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(',') : value;

const parseQuery = (rawQuery: string): Record<string, string> | undefined => {
  if (!rawQuery) return undefined;
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    params[key] = params[key] === undefined ? value : `${params[key]},${value}`;
  }
  return params;
};

/**
 * Turns a Node HTTP request into the event a Lambda Function URL sends (payload format 2.0):
 * lower-case headers with repeated values comma-joined, cookies moved to `cookies`, the raw path
 * and query untouched, and a non-text body base64-encoded.
 */
export const toFunctionUrlEvent = (
  request: IncomingMessage,
  body: Buffer,
): LambdaFunctionURLEvent => {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    const joined = headerValue(value);
    if (joined === undefined) continue;
    if (name === 'cookie') {
      cookies = joined
        .split(';')
        .map((c) => c.trim())
        .filter(Boolean);
      continue;
    }
    headers[name] = joined;
  }
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(request.socket.localPort ?? '');
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;

  const method = request.method ?? 'GET';
  const now = new Date();
  const textual = isTextualContentType(headers['content-type']);
  const host = headers.host ?? 'localhost';
  const queryStringParameters = parseQuery(rawQueryString);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? {
          body: textual ? body.toString('utf8') : body.toString('base64'),
          isBase64Encoded: !textual,
        }
      : { isBase64Encoded: false }),
  };
};
