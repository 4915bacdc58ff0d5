import type { Agent, buildConnector, Dispatcher } from 'undici';
import { setDeadline } from '../http/deadline-timer';
import { FUNCTION_URL_PAYLOAD_LIMIT_BYTES } from '../http/limits';
import { refusalSafeAgent } from './refusal-safe-agent';
import type {
  Upstream,
  UpstreamRequest,
  UpstreamResponse,
  UpstreamStreamResponse,
} from './upstream';
import { isRetryable, toGatewayError, upstreamTimeout } from './upstream-errors';
import { BufferedExchange, type ExchangeStage, StreamingExchange } from './upstream-exchange';

export interface FetchUpstreamOptions {
  /** Connections kept per upstream origin. @default 64 */
  readonly connectionsPerOrigin?: number;
  /** Idle keep-alive before the gateway closes a connection; under the usual 5 s of servers. @default 4000 */
  readonly keepAliveTimeoutMs?: number;
  /** Largest upstream body read into memory; past it the answer is a 502. @default 6 MiB */
  readonly maxResponseBytes?: number;
  /**
   * Opens connections instead of undici's own TCP/TLS connector (a Unix socket, an egress proxy, a
   * test's flaky network). It must apply `connectTimeoutMs` itself. @default undici's connector
   */
  readonly connector?: (connectTimeoutMs: number) => buildConnector.connector;
}

/** One attempt, as `underDeadline` drives it. */
interface Attempt<T> {
  readonly stage: ExchangeStage;
  readonly done: Promise<T>;
  abort(reason: Error): void;
}

/**
 * Runs attempts of one request under the route's deadline and settles once: with the first
 * answer, with the failure of the last attempt allowed, or with a timeout named for the stage the
 * attempt had reached. The deadline is `setDeadline`'s: an answer already in the socket when it
 * comes due still wins.
 */
const underDeadline = <T>(request: UpstreamRequest, startAttempt: () => Attempt<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    let settled = false;
    let exchange: Attempt<T>;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      return true;
    };
    const timer = setDeadline(request.timeoutMs, () => {
      if (!finish()) return;
      const error = upstreamTimeout(exchange.stage);
      exchange.abort(error);
      reject(error);
    });
    const run = (attempt: number): void => {
      exchange = startAttempt();
      const current = exchange;
      current.done.then(
        (answer) => {
          // A late answer cannot come: the deadline aborts the attempt in the same turn.
          if (finish()) resolve(answer);
        },
        (error: unknown) => {
          if (settled) return;
          if (attempt < (request.retries ?? 1) && isRetryable(error, current.stage)) {
            run(attempt + 1);
            return;
          }
          if (finish()) reject(toGatewayError(error, current.stage));
        },
      );
    };
    run(0);
  });

/**
 * The `Upstream` port on undici: one keep-alive `Agent` per connect timeout, made at init and
 * reused by every invocation, dispatched to directly with the exchange handlers of
 * `upstream-exchange.ts` (no WHATWG layers, no URL parse per request; bodies are not decoded, so
 * `Content-Encoding` passes through). Redirects are passed back, never followed. The route's
 * `timeout_ms` bounds the whole exchange, retries and body included (for streamed answers: until
 * the head, then each silence in the body). A failed attempt is sent again (`retries`, default
 * once) only if it never reached a socket.
 */
export const fetchUpstream = (
  options: FetchUpstreamOptions = {},
): Upstream & { close(): Promise<void> } => {
  const agents = new Map<number, Agent>();
  const agentFor = (connectTimeoutMs: number): Agent => {
    let agent = agents.get(connectTimeoutMs);
    if (!agent) {
      agent = refusalSafeAgent({
        connect: options.connector?.(connectTimeoutMs) ?? { timeout: connectTimeoutMs },
        connections: options.connectionsPerOrigin ?? 64,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 4000,
        keepAliveMaxTimeout: 60_000,
      });
      agents.set(connectTimeoutMs, agent);
    }
    return agent;
  };
  const maxResponseBytes = options.maxResponseBytes ?? FUNCTION_URL_PAYLOAD_LIMIT_BYTES;

  const dispatchOptions = (
    request: UpstreamRequest,
    extra: Partial<Dispatcher.DispatchOptions>,
  ): Dispatcher.DispatchOptions => ({
    ...extra,
    origin: request.origin,
    path: request.path,
    method: request.method as Dispatcher.HttpMethod,
    headers: request.headers,
    ...(request.body ? { body: request.body } : {}),
  });

  const dispatch = <E extends BufferedExchange | StreamingExchange>(
    request: UpstreamRequest,
    exchange: E,
    extra: Partial<Dispatcher.DispatchOptions> = {},
  ): E => {
    const agent = agentFor(Math.min(request.connectTimeoutMs ?? 2000, request.timeoutMs));
    agent.dispatch(dispatchOptions(request, extra), exchange);
    return exchange;
  };

  return {
    forward: (request: UpstreamRequest): Promise<UpstreamResponse> =>
      underDeadline(request, () => dispatch(request, new BufferedExchange(maxResponseBytes))),
    // The deadline covers getting the head. After that a download or an event stream may last;
    // only silence may not (undici's body timeout).
    stream: (request: UpstreamRequest): Promise<UpstreamStreamResponse> =>
      underDeadline(request, () =>
        dispatch(request, new StreamingExchange(), { bodyTimeout: request.timeoutMs }),
      ),
    close: async () => {
      await Promise.all([...agents.values()].map((agent) => agent.close()));
    },
  };
};
