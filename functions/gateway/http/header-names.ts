/** Header names as they appear in Function URL events and results: lower case. */
export const Header = {
  correlationId: 'x-correlation-id',
  contentType: 'content-type',
  contentLength: 'content-length',
  contentEncoding: 'content-encoding',
  allow: 'allow',
  retryAfter: 'retry-after',
  cacheControl: 'cache-control',
  host: 'host',
  cookie: 'cookie',
  setCookie: 'set-cookie',
  connection: 'connection',
  forwardedFor: 'x-forwarded-for',
  forwardedProto: 'x-forwarded-proto',
  forwardedHost: 'x-forwarded-host',
  forwardedPort: 'x-forwarded-port',
} as const;
