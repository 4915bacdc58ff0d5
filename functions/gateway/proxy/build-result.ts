import { BadGatewayError } from '../http/errors';
import { Header } from '../http/header-names';
import { FUNCTION_URL_PAYLOAD_LIMIT_BYTES } from '../http/limits';
import { isTextualContentType } from '../http/textual-content';
import type { FunctionUrlResult } from '../http/types';
import { hopByHopNames, isHopByHop } from './hop-by-hop';
import { rewriteLocation } from './location-rewrite';
import type { ResponseRules } from './response-rules';
import { withoutSessionCookie } from './session-cookie-guard';
import type { UpstreamResponse, UpstreamStreamResponse } from './upstream';

/**
 * Function URLs refuse a buffered response over their payload limit (the whole JSON payload). Stay under it with
 * room for headers, so an oversized answer is our clear 502 rather than Lambda's opaque failure.
 */
export const MAX_BUFFERED_RESULT_BYTES = FUNCTION_URL_PAYLOAD_LIMIT_BYTES - 64 * 1024;

// Lambda frames the response itself; the upstream's length may not match the encoded result.
const DESCRIBES_WIRE_BODY = new Set<string>([Header.contentLength]);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text stays text; anything else, or text that is not valid UTF-8, travels as base64. */
const encodeBody = (
  body: Uint8Array,
  contentType: string | undefined,
  contentEncoding: string | undefined,
): { body: string; isBase64Encoded: boolean } => {
  if (body.byteLength === 0) return { body: '', isBase64Encoded: false };
  // A compressed body passes through as the upstream sent it: bytes, whatever its type says.
  const compressed = contentEncoding !== undefined && contentEncoding !== 'identity';
  if (!compressed && isTextualContentType(contentType)) {
    try {
      return { body: utf8.decode(body), isBase64Encoded: false };
    } catch {
      // Declared as text but not UTF-8: fall through to base64 so no byte is lost.
    }
  }
  return {
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'),
    isBase64Encoded: true,
  };
};

/**
 * The rate-limit headers of the IETF draft, which the gateway's own limiter writes. The gateway is
 * the authority on the limits a client meets at its door: an upstream's figures would either
 * contradict the gateway's on a limited route (and, set first, win over them) or announce a limit
 * the client never meets through the gateway. Other vocabularies (`X-RateLimit-*`, `Retry-After`)
 * are the upstream's own statement about itself and pass.
 */
const isRateLimitHeader = (name: string): boolean =>
  name === 'ratelimit' || name.startsWith('ratelimit-');

/** Headers whose URL may point into the upstream and is mapped back to the route's public path. */
const LOCATION_HEADERS = new Set(['location', 'content-location']);

/**
 * The upstream's headers minus hop-by-hop ones, those Lambda sets itself and the upstream's
 * `RateLimit-*`; `Location` and `Content-Location` mapped back to the route's public path.
 */
export const responseHeaders = (
  upstream: Readonly<Record<string, string>>,
  rules: ResponseRules,
): Record<string, string> => {
  const dropped = hopByHopNames(upstream[Header.connection]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (isHopByHop(name, dropped) || DESCRIBES_WIRE_BODY.has(name) || isRateLimitHeader(name)) {
      continue;
    }
    headers[name] =
      rules.location && LOCATION_HEADERS.has(name) ? rewriteLocation(value, rules.location) : value;
  }
  return headers;
};

/**
 * Status, headers and cookies of an upstream answer as the client gets them: `Set-Cookie`s for the
 * session cookie dropped, each other one in `cookies`. Buffered and streamed answers alike.
 */
export const resultHead = (
  response: Pick<UpstreamResponse | UpstreamStreamResponse, 'status' | 'headers' | 'setCookies'>,
  rules: ResponseRules,
): Pick<FunctionUrlResult, 'statusCode' | 'headers' | 'cookies'> => {
  const cookies = withoutSessionCookie(response.setCookies, rules.sessionCookieCore);
  return {
    statusCode: response.status,
    headers: responseHeaders(response.headers, rules),
    ...(cookies.length > 0 ? { cookies: [...cookies] } : {}),
  };
};

/** Turns an upstream answer into a Function URL result (see `resultHead` for the headers). */
export const buildResult = (
  response: UpstreamResponse,
  method: string,
  rules: ResponseRules,
): FunctionUrlResult => {
  const head = resultHead(response, rules);
  const { headers } = head;
  const bodyless = method === 'HEAD' || response.status === 204 || response.status === 304;
  const encoded = bodyless
    ? { body: '', isBase64Encoded: false }
    : encodeBody(response.body, headers[Header.contentType], headers[Header.contentEncoding]);
  if (encoded.body.length > MAX_BUFFERED_RESULT_BYTES) {
    throw new BadGatewayError({ reason: 'response_too_large' });
  }
  return { ...head, ...encoded };
};
