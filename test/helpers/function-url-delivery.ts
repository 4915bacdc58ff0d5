import { isTextualContentType } from '../../functions/gateway/http/textual-content';
import type { FunctionUrlEvent } from '../../functions/gateway/http/types';
import { functionUrlEvent } from './function-url-event';
import type { CookiePair, CookieValue, HostileRequest, TokenPlan } from './hostile-requests';

/** The domain `functionUrlEvent` gives its events. */
export const FUNCTION_URL_DOMAIN = 'abc123.lambda-url.eu-west-1.on.aws';

/** Cookie value text for a pair; token plans are turned into tokens by the caller's sessions. */
export type TokenMaker = (plan: TokenPlan) => string;

const cookieText = (value: CookieValue, token: TokenMaker): string =>
  'raw' in value ? value.raw : token(value.token);

const cookieLine = (pairs: readonly CookiePair[], token: TokenMaker): string =>
  pairs.map((pair) => `${pair.name}=${cookieText(pair.value, token)}`).join('; ');

const bodyBytes = (bytes: readonly number[] | string): Buffer =>
  typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);

/**
 * The event a Lambda Function URL (payload 2.0) hands the function for this request: header names
 * lower-cased and repeated ones joined with commas, the Cookie headers split into `cookies`, the
 * platform's own `host`, `x-forwarded-proto`, `x-forwarded-port`, `x-amzn-trace-id` and its hop
 * appended to `x-forwarded-for`, bodies base64-encoded unless their type is text. The result goes
 * through JSON, as the invoke payload does, so `__proto__` and `constructor` arrive as plain keys.
 */
const asFunctionUrl = (request: HostileRequest, token: TokenMaker): FunctionUrlEvent => {
  const headers = new Map<string, string>();
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    const previous = headers.get(lower);
    headers.set(lower, previous === undefined ? value : `${previous},${value}`);
  }
  const cookieLines = request.cookies.map((pairs) => cookieLine(pairs, token));
  const cookies = cookieLines
    .join('; ')
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean);
  headers.delete('cookie');
  const clientForwardedFor = headers.get('x-forwarded-for');
  headers.set('host', FUNCTION_URL_DOMAIN);
  headers.set('x-forwarded-proto', 'https');
  headers.set('x-forwarded-port', '443');
  headers.set(
    'x-forwarded-for',
    clientForwardedFor ? `${clientForwardedFor}, ${request.sourceIp}` : request.sourceIp,
  );
  headers.set('x-amzn-trace-id', 'Root=1-5e1b4151-5ac6c58f5b5d5ab0e5d0e5c5');

  const body = request.body ? bodyBytes(request.body.bytes) : undefined;
  const textual = isTextualContentType(headers.get('content-type'));
  const event = functionUrlEvent({
    method: request.method,
    path: request.path,
    query: request.query,
    headers: Object.fromEntries(headers),
    ...(cookies.length > 0 ? { cookies } : {}),
    // A string is delivered as text, a Buffer base64-encoded: as the Function URL decides by type.
    ...(body && body.length > 0 ? { body: textual ? body.toString('utf8') : body } : {}),
    sourceIp: request.sourceIp,
  });
  return JSON.parse(JSON.stringify(event)) as FunctionUrlEvent;
};

/**
 * What a direct invoke may send: the Function URL's shape, bent. Header names as written, cookies
 * wherever the caller put them, fields missing, values that are not strings, bodies in any
 * encoding. Nothing here is normalized by a platform.
 */
const asDirectInvoke = (
  request: HostileRequest,
  shape: Exclude<HostileRequest['shape'], 'function-url'>,
  token: TokenMaker,
): FunctionUrlEvent => {
  const headers: Record<string, unknown> = {};
  for (const [name, value] of request.headers) {
    const key = shape.keepHeaderCase ? name : name.toLowerCase();
    const previous = headers[key];
    Object.defineProperty(headers, key, {
      value: typeof previous === 'string' ? `${previous},${value}` : value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  if (shape.nonStringHeader) {
    Object.defineProperty(headers, shape.nonStringHeader.name, {
      value: shape.nonStringHeader.value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  const lines = request.cookies.map((pairs) => cookieLine(pairs, token));
  let cookies: string[] | undefined;
  if (lines.length > 0) {
    if (shape.cookiesIn === 'header') headers.cookie = lines.join('; ');
    else if (shape.cookiesIn === 'array-whole') cookies = lines;
    else
      cookies = lines
        .join('; ')
        .split(';')
        .map((pair) => pair.trim());
  }
  const omitted = new Set(shape.omit);
  const body = request.body ? bodyBytes(request.body.bytes) : undefined;
  const encoding = request.body?.encoding ?? 'base64';
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    ...(omitted.has('rawQueryString') ? {} : { rawQueryString: request.query }),
    ...(cookies && !omitted.has('cookies') ? { cookies } : {}),
    ...(omitted.has('headers') ? {} : { headers }),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      ...(omitted.has('domainName') ? {} : { domainName: FUNCTION_URL_DOMAIN }),
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        ...(omitted.has('sourceIp') ? {} : { sourceIp: request.sourceIp }),
        userAgent: 'direct',
      },
      requestId: 'property-direct',
      routeKey: '$default',
      stage: '$default',
      time: '29/Nov/2026:05:00:00 +0000',
      timeEpoch: 1795928400000,
    },
  };
  if (body && body.length > 0) {
    event.body =
      encoding === 'text'
        ? body.toString('utf8')
        : encoding === 'invalid-base64'
          ? `%%${body.toString('base64')}!!`
          : body.toString('base64');
    if (!omitted.has('isBase64Encoded')) event.isBase64Encoded = encoding !== 'text';
  } else if (!omitted.has('isBase64Encoded')) {
    event.isBase64Encoded = false;
  }
  return JSON.parse(JSON.stringify(event)) as FunctionUrlEvent;
};

/** The event the gateway receives for a generated request. */
export const deliver = (request: HostileRequest, token: TokenMaker): FunctionUrlEvent =>
  request.shape === 'function-url'
    ? asFunctionUrl(request, token)
    : asDirectInvoke(request, request.shape, token);

/**
 * The pairs the gateway is meant to read, in the order it should read them (RFC 6265: the more
 * specific cookie first, so the first of a name wins), names and values trimmed as RFC 6265 says.
 */
export const cookiePairsInOrder = (
  request: HostileRequest,
  token: TokenMaker,
): { name: string; value: string }[] =>
  request.cookies
    .map((pairs) => cookieLine(pairs, token))
    .join('; ')
    .split(';')
    .flatMap((pair) => {
      const eq = pair.indexOf('=');
      return eq <= 0 ? [] : [{ name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() }];
    });
