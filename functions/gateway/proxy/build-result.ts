import { BadGatewayError } from '../http/errors';
import { Header } from '../http/header-names';
import { isTextualContentType } from '../http/textual-content';
import type { FunctionUrlResult } from '../http/types';
import { hopByHopNames, isHopByHop } from './hop-by-hop';
import type { UpstreamResponse } from './upstream';

/**
 * Function URLs refuse a buffered response over 6 MB (the whole JSON payload). Stay under it with
 * room for headers, so an oversized answer is our clear 502 rather than Lambda's opaque failure.
 */
export const MAX_BUFFERED_RESULT_BYTES = 6 * 1024 * 1024 - 64 * 1024;

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

/** The upstream's headers minus hop-by-hop ones and those Lambda sets itself. */
export const responseHeaders = (
  upstream: Readonly<Record<string, string>>,
): Record<string, string> => {
  const dropped = hopByHopNames(upstream[Header.connection]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (isHopByHop(name, dropped) || DESCRIBES_WIRE_BODY.has(name)) continue;
    headers[name] = value;
  }
  return headers;
};

/** Turns an upstream answer into a Function URL result, dropping hop-by-hop headers. */
export const buildResult = (response: UpstreamResponse, method: string): FunctionUrlResult => {
  const headers = responseHeaders(response.headers);
  const bodyless = method === 'HEAD' || response.status === 204 || response.status === 304;
  const encoded = bodyless
    ? { body: '', isBase64Encoded: false }
    : encodeBody(response.body, headers[Header.contentType], headers[Header.contentEncoding]);
  if (encoded.body.length > MAX_BUFFERED_RESULT_BYTES) {
    throw new BadGatewayError({ reason: 'response_too_large' });
  }
  return {
    statusCode: response.status,
    headers,
    ...(response.setCookies.length > 0 ? { cookies: [...response.setCookies] } : {}),
    ...encoded,
  };
};
