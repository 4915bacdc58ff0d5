import { Readable } from 'node:stream';
import type { GatewayMiddleware, GatewayRequest } from '../chain/request-state';

/**
 * In RESPONSE_STREAM mode the runtime writes the body bytes as they come, so a buffered result's
 * base64 body must become its bytes, and `isBase64Encoded` must not reach the prelude. Registered
 * first, so its `after` runs last, once every header is on the response.
 */
export const streamingBody = (): GatewayMiddleware => {
  const streamingBodyAfter = (request: GatewayRequest): void => {
    const response = request.response;
    if (!response) return;
    if (response.isBase64Encoded && typeof response.body === 'string') {
      // The streaming result's body is a stream, which the buffered result type does not allow.
      (response as { body?: unknown }).body = Readable.from([Buffer.from(response.body, 'base64')]);
    }
    delete response.isBase64Encoded;
  };
  const streamingBodyOnError = (request: GatewayRequest): void => {
    // middy drops the handler's result on error: a streamed upstream body would stay open.
    request.context.upstream?.body?.destroy();
    streamingBodyAfter(request);
  };
  return { after: streamingBodyAfter, onError: streamingBodyOnError };
};
