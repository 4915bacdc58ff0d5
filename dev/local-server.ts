import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { FUNCTION_URL_PAYLOAD_LIMIT_BYTES } from '../functions/gateway/http/limits';
import { readCapped } from '../functions/gateway/http/read-capped';
import {
  type PreludeWritable,
  type ResponsePrelude,
  STREAM_RESPONSE,
  STREAMING,
} from './awslambda-shim';
import { toFunctionUrlEvent } from './function-url-event';
import { lambdaContext } from './lambda-context';
import { type Listening, listen } from './listen';
import { LocalInvokeStore } from './local-invoke-store';

export type FunctionUrlHandler = (
  event: LambdaFunctionURLEvent,
  context: Context,
  options: { signal: AbortSignal },
) => Promise<LambdaFunctionURLResult>;

export type LocalServer = Listening;

const EMPTY = Buffer.alloc(0);

/**
 * The handler's third argument is middy's (it passes its own signal to the handler); the server has
 * nothing to abort, so one signal that never fires serves every request instead of a new
 * AbortController each (about 7 us a request in a profile).
 */
const INVOKE_OPTIONS = { signal: new AbortController().signal };

const readBody = (request: IncomingMessage): Promise<Buffer | undefined> => {
  // No length and no chunked framing: HTTP/1.1 says there is no body (most GETs).
  const hasBody =
    request.headers['transfer-encoding'] !== undefined ||
    Number(request.headers['content-length'] ?? 0) > 0;
  return hasBody ? readCapped(request, FUNCTION_URL_PAYLOAD_LIMIT_BYTES) : Promise.resolve(EMPTY);
};

/** A Function URL result's headers and cookies as an HTTP head: each cookie one Set-Cookie. */
const httpHead = (
  headers: Readonly<Record<string, unknown>> | undefined,
  cookies: readonly string[] | undefined,
): Record<string, string | string[]> => {
  const head: Record<string, string | string[]> = {
    ...(headers as Record<string, string> | undefined),
  };
  if (cookies && cookies.length > 0) head['set-cookie'] = [...cookies];
  return head;
};

/**
 * A buffered result as the Function URL front end sends it: the body with its Content-Length (not
 * chunked), so the head and the body leave in one write.
 */
const writeResult = (response: ServerResponse, result: LambdaFunctionURLResult): void => {
  if (typeof result === 'string') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(result);
    return;
  }
  const headers = httpHead(result.headers, result.cookies);
  const body = result.body
    ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
    : undefined;
  if (body) headers['content-length'] = String(body.length);
  response.writeHead(result.statusCode ?? 200, headers).end(body);
};

/** The response stream a streaming handler writes to: the prelude becomes the head. */
const responseStreamFor = (response: ServerResponse): PreludeWritable => {
  const writeHead = (prelude: ResponsePrelude): void => {
    if (response.headersSent) return;
    response.writeHead(prelude.statusCode ?? 200, httpHead(prelude.headers, prelude.cookies));
    // Flush the head now: a client of an event stream should not wait for the first event.
    response.flushHeaders();
  };
  const stream: PreludeWritable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writeHead({ statusCode: 200 });
      response.write(chunk, callback);
    },
    final(callback) {
      writeHead({ statusCode: 200 });
      response.end(callback);
    },
  });
  stream.setPrelude = writeHead;
  return stream;
};

type StreamingHandler = (
  event: LambdaFunctionURLEvent,
  stream: Writable,
  context: Context,
) => Promise<void>;

const isStreaming = (handler: unknown): handler is StreamingHandler =>
  typeof handler === 'function' &&
  (handler as unknown as Record<symbol, unknown>)[STREAMING] === STREAM_RESPONSE;

const writeLambdaFailure = (response: ServerResponse, status: number, message: string): void => {
  response
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ message }));
};

/**
 * Serves a Function URL handler over HTTP the way the Function URL front end would: each request
 * becomes a payload 2.0 event, and the handler's result is written back.
 */
/** Answers a request itself (true) or leaves it to the gateway (false); e.g. `GET /metrics`. */
export type LocalRoute = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** How many invocations the local server declares it may run at once (it does not enforce it). */
const LOCAL_MAX_CONCURRENCY = '64';

/**
 * The local server runs invocations concurrently in one process, as a Lambda Managed Instance
 * does. The runtime then sets `AWS_LAMBDA_MAX_CONCURRENCY` and runs each invocation in its own
 * `InvokeStore` context (an AsyncLocalStorage), which Powertools follows for the logger's keys and
 * the metrics' stores. Without it, concurrent requests shared them: access lines without their
 * correlation id or with another request's user, and one request's metrics in another's EMF
 * document.
 */
const concurrentInvocations = (): InvokeStoreBase => {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= LOCAL_MAX_CONCURRENCY;
  return LocalInvokeStore.install();
};

export const startLocalServer = async (
  handler: FunctionUrlHandler,
  port = 0,
  host = '127.0.0.1',
  localRoute?: LocalRoute,
): Promise<LocalServer> => {
  const invocations = concurrentInvocations();
  const invocation = (context: Context) => ({
    [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId,
  });
  const server = createServer(async (request, response) => {
    try {
      if (localRoute && (await localRoute(request, response))) return;
      const body = await readBody(request);
      if (body === undefined) {
        writeLambdaFailure(
          response,
          413,
          // Lambda's own wording, which names the limit in bytes.
          `Request must be smaller than ${FUNCTION_URL_PAYLOAD_LIMIT_BYTES} bytes for the InvokeFunction operation`,
        );
        return;
      }
      const event = toFunctionUrlEvent(request, body);
      const context = lambdaContext();
      if (isStreaming(handler)) {
        await invocations.run(invocation(context), () =>
          handler(event, responseStreamFor(response), context),
        );
        return;
      }
      const result = await invocations.run(invocation(context), () =>
        handler(event, context, INVOKE_OPTIONS),
      );
      writeResult(response, result);
    } catch (error) {
      // Lambda answers an unhandled function error with a bare 502; so does the local server.
      console.error('handler failed:', error);
      if (!response.headersSent) writeLambdaFailure(response, 502, 'Internal Server Error');
      else response.destroy();
    }
  });
  server.keepAliveTimeout = 5_000;
  return listen(server, port, host);
};
