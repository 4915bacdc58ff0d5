import { Agent, fetch as undiciFetch } from 'undici';
import { BadGatewayError } from '../http/errors';
import type { Upstream, UpstreamRequest, UpstreamResponse } from './upstream';
import { isRetryable, toGatewayError } from './upstream-errors';

export interface FetchUpstreamOptions {
  /** Connections kept per upstream origin. @default 64 */
  readonly connectionsPerOrigin?: number;
  /** Idle keep-alive before the gateway closes a connection; under the usual 5 s of servers. @default 4000 */
  readonly keepAliveTimeoutMs?: number;
  /** Largest upstream body read into memory; past it the answer is a 502. @default 6 MiB */
  readonly maxResponseBytes?: number;
}

/** Reads a body up to `limit` bytes; a larger one is cancelled, not buffered. */
const readCapped = async (
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array> => {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BadGatewayError({ reason: 'response_too_large', dependency: 'upstream' });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
};

/**
 * The `Upstream` port on undici's `fetch` with one keep-alive `Agent` per connect timeout, made at
 * init and reused by every invocation. Redirects are passed back, never followed. The route's
 * `timeout_ms` bounds the whole exchange, retries and body included, so the client never waits past
 * it. A failed attempt is retried (`retries`, default once) only when that is safe: an idempotent
 * method and a failure before the request reached the upstream (refused, reset or stale pooled
 * connection, connect timeout).
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

  return {
    async forward(request: UpstreamRequest): Promise<UpstreamResponse> {
      // One signal for the whole exchange: every attempt and the body share the route's budget.
      const signal = AbortSignal.timeout(request.timeoutMs);
      const dispatcher = agentFor(Math.min(request.connectTimeoutMs ?? 2000, request.timeoutMs));
      for (let attempt = 0; ; attempt += 1) {
        let response: Awaited<ReturnType<typeof undiciFetch>>;
        try {
          response = await undiciFetch(request.url, {
            method: request.method,
            headers: request.headers,
            ...(request.body ? { body: request.body } : {}),
            redirect: 'manual',
            signal,
            dispatcher,
          });
        } catch (error) {
          if (
            attempt < (request.retries ?? 1) &&
            !signal.aborted &&
            isRetryable(error, request.method)
          )
            continue;
          throw toGatewayError(error, signal, 'connect');
        }
        let body: Uint8Array;
        try {
          body = await readCapped(
            response.body as ReadableStream<Uint8Array> | null,
            maxResponseBytes,
          );
        } catch (error) {
          throw toGatewayError(error, signal, 'body');
        }
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          if (name !== 'set-cookie') headers[name] = value;
        });
        return {
          status: response.status,
          headers,
          setCookies: response.headers.getSetCookie(),
          body,
        };
      }
    },
    close: async () => {
      await Promise.all([...agents.values()].map((agent) => agent.close()));
    },
  };
};
