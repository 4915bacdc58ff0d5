import { Agent, type Dispatcher } from 'undici';
import { BadGatewayError } from '../http/errors';
import { Header } from '../http/header-names';
import { readCapped } from '../http/read-capped';
import { withDeadline } from '../http/with-deadline';
import type {
  Upstream,
  UpstreamRequest,
  UpstreamResponse,
  UpstreamStreamResponse,
} from './upstream';
import { isRetryable, toGatewayError } from './upstream-errors';

export interface FetchUpstreamOptions {
  /** Connections kept per upstream origin. @default 64 */
  readonly connectionsPerOrigin?: number;
  /** Idle keep-alive before the gateway closes a connection; under the usual 5 s of servers. @default 4000 */
  readonly keepAliveTimeoutMs?: number;
  /** Largest upstream body read into memory; past it the answer is a 502. @default 6 MiB */
  readonly maxResponseBytes?: number;
}

/** Reads a body up to `limit` bytes; a larger one is destroyed, not buffered, and is a 502. */
const readBody = async (
  body: Dispatcher.ResponseData['body'],
  limit: number,
): Promise<Uint8Array> => {
  const bytes = await readCapped(body, limit);
  if (bytes === undefined)
    throw new BadGatewayError({ reason: 'response_too_large', dependency: 'upstream' });
  return bytes;
};

const flattenHeaders = (
  raw: Dispatcher.ResponseData['headers'],
): { headers: Record<string, string>; setCookies: string[] } => {
  const headers: Record<string, string> = {};
  let setCookies: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (name === Header.setCookie) setCookies = Array.isArray(value) ? value : [value];
    else headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { headers, setCookies };
};

/**
 * The `Upstream` port on undici with one keep-alive `Agent` per connect timeout, made at init and
 * reused by every invocation. undici's `request` rather than `fetch`: the same dispatcher and
 * semantics without the WHATWG layers, measured cheaper in `bench/proxy.ts`; bodies are not
 * decoded, so `Content-Encoding` passes through untouched. Redirects are passed back, never
 * followed. The route's `timeout_ms` bounds the whole exchange, retries and body included. A failed
 * attempt is retried (`retries`, default once) only when safe: an idempotent method and a failure
 * before the request reached the upstream (refused, reset or stale pooled connection, connect timeout).
 */
export const fetchUpstream = (
  options: FetchUpstreamOptions = {},
): Upstream & { close(): Promise<void> } => {
  const agents = new Map<number, Agent>();
  const agentFor = (connectTimeoutMs: number): Agent => {
    let agent = agents.get(connectTimeoutMs);
    if (!agent) {
      agent = new Agent({
        connect: { timeout: connectTimeoutMs },
        connections: options.connectionsPerOrigin ?? 64,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 4000,
        keepAliveMaxTimeout: 60_000,
      });
      agents.set(connectTimeoutMs, agent);
    }
    return agent;
  };
  const maxResponseBytes = options.maxResponseBytes ?? 6 * 1024 * 1024;

  /**
   * Sends the request, retrying when that is safe (idempotent, failed before reaching the upstream)
   * and the deadline has not passed. Errors come out as undici raised them.
   */
  const send = async (
    request: UpstreamRequest,
    signal: AbortSignal,
    extra: Partial<Dispatcher.RequestOptions> = {},
  ): Promise<Dispatcher.ResponseData> => {
    const dispatcher = agentFor(Math.min(request.connectTimeoutMs ?? 2000, request.timeoutMs));
    for (let attempt = 0; ; attempt += 1) {
      try {
        // The dispatcher directly, with origin and path: no URL parsing per request.
        return await dispatcher.request({
          ...extra,
          origin: request.origin,
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          ...(request.body ? { body: request.body } : {}),
          signal,
        });
      } catch (error) {
        const mayRetry = attempt < (request.retries ?? 1) && !signal.aborted;
        if (!mayRetry || !isRetryable(error, request.method)) throw error;
      }
    }
  };

  /**
   * Runs `work` under the route's deadline. A plain controller and timer: AbortSignal.timeout costs
   * measurably more per request.
   */
  const underDeadline = async <T>(
    timeoutMs: number,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(Object.assign(new Error('upstream timeout'), { name: 'TimeoutError' })),
      timeoutMs,
    );
    try {
      return await withDeadline(work(deadline.signal), deadline.signal);
    } catch (error) {
      throw toGatewayError(error, deadline.signal, 'connect');
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    // One deadline for the whole exchange: every attempt and the body share the route's budget.
    forward: (request: UpstreamRequest): Promise<UpstreamResponse> =>
      underDeadline(request.timeoutMs, async (signal) => {
        const response = await send(request, signal);
        let body: Uint8Array;
        try {
          body = await readBody(response.body, maxResponseBytes);
        } catch (error) {
          throw toGatewayError(error, signal, 'body');
        }
        return { status: response.statusCode, ...flattenHeaders(response.headers), body };
      }),
    // The deadline covers getting the headers. After that a download or an event stream may last;
    // only silence may not (undici's body timeout).
    stream: (request: UpstreamRequest): Promise<UpstreamStreamResponse> =>
      underDeadline(request.timeoutMs, async (signal) => {
        const response = await send(request, signal, { bodyTimeout: request.timeoutMs });
        return {
          status: response.statusCode,
          ...flattenHeaders(response.headers),
          body: response.body,
        };
      }),
    close: async () => {
      await Promise.all([...agents.values()].map((agent) => agent.close()));
    },
  };
};
