/**
 * A stand-in for the Lambda runtime's `awslambda` global, for response streaming off Lambda (the
 * local server and tests). `streamifyResponse` marks the handler; `HttpResponseStream.from` hands
 * the status, headers and cookies to the stream (the runtime writes them as the response prelude).
 * Import it before anything that builds a streaming middy handler.
 */
import type { Writable } from 'node:stream';

/**
 * The mark the Node.js runtime interface client itself puts on a streamified handler and checks
 * before invoking it (`handler[Symbol.for('aws.lambda.runtime.handler.streaming')] === 'response'`).
 * The stand-in sets the same mark, so a test can check a bundle the way the runtime would.
 */
export const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
export const STREAM_RESPONSE = 'response';

/** What the runtime sends before a streamed body: status, headers, cookies. */
export interface ResponsePrelude {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/** A response stream that can receive the prelude before the body. */
export interface PreludeWritable extends Writable {
  setPrelude?(prelude: ResponsePrelude): void;
}

// @types/aws-lambda declares the global as a namespace holding a class; the stand-in is a plain
// object with the same two members, so it is set through an untyped view of globalThis.
const runtime = globalThis as unknown as { awslambda?: Record<string, unknown> };
// Merged into what is there: `@aws/lambda-invoke-store` (imported by Powertools and the local
// server) creates an empty `awslambda` of its own when it loads first.
runtime.awslambda ??= {};
const awslambda = runtime.awslambda;
awslambda.streamifyResponse ??= <T extends object>(handler: T): T =>
  Object.assign(handler, { [STREAMING]: STREAM_RESPONSE });
awslambda.HttpResponseStream ??= {
  from: (stream: PreludeWritable, prelude: ResponsePrelude): PreludeWritable => {
    stream.setPrelude?.(prelude);
    return stream;
  },
};
