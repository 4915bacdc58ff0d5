import type { UpstreamExchange } from '../chain/request-state';
import type { FunctionUrlEvent, FunctionUrlResult } from '../http/types';
import type { MatchedRoute } from '../routing/route-types';
import type { UserContext } from '../sessions/session-types';
import { buildResult, resultHead } from './build-result';
import { buildUpstreamRequest } from './build-upstream-request';
import type { ForwardPolicy } from './forward-policy';
import { responseRules } from './response-rules';
import type { Upstream } from './upstream';

export interface ProxyOptions {
  readonly upstream: Upstream;
  /** The sessions settings' part in forwarding, worked out once (`forwardPolicy`). */
  readonly forwarding: ForwardPolicy;
  /** The function URL streams (RESPONSE_STREAM): `stream: true` routes pass bodies through. */
  readonly streaming: boolean;
}

/** Who the request is for: the correlation id, and the validated user on a protected route. */
export interface ProxyCaller {
  readonly correlationId: string;
  readonly user?: UserContext | undefined;
  /** The user's access token, for a route with `forward_access_token`. */
  readonly accessToken?: string | undefined;
}

/**
 * What the exchange with the upstream came to: the result, or the error to answer with, and in
 * either case the time spent waiting on the upstream (for the access log and metrics) and a
 * streamed body still in flight (so an error after it arrived can release it).
 */
export type ProxyOutcome = UpstreamExchange &
  ({ readonly result: FunctionUrlResult } | { readonly error: unknown });

/**
 * The last step of the chain: sends the request to the matched route's upstream and turns the
 * answer into the result, buffered or (streaming mode, `stream: true`) as a stream. A request that
 * cannot be forwarded (too large, malformed) throws before the upstream is called; a failure of the
 * upstream itself comes back as the outcome's `error`, with the time it took.
 */
export const proxyRequest = async (
  event: FunctionUrlEvent,
  matched: MatchedRoute,
  caller: ProxyCaller,
  options: ProxyOptions,
): Promise<ProxyOutcome> => {
  const built = buildUpstreamRequest(event, matched, {
    correlationId: caller.correlationId,
    forwarding: options.forwarding,
    user: caller.user,
  });
  // The gateway's statement of who calls, in place of any Authorization the client sent.
  const request = caller.accessToken
    ? { ...built, headers: { ...built.headers, authorization: `Bearer ${caller.accessToken}` } }
    : built;
  const rules = responseRules(matched.route, options.forwarding);
  const started = performance.now();
  if (options.streaming && matched.route.config.stream && options.upstream.stream) {
    let body: UpstreamExchange['body'];
    try {
      const response = await options.upstream.stream(request);
      body = response.body;
      const result = {
        ...resultHead(response, rules),
        // A stream body, which the buffered result type does not describe; middy pipes it out.
        body: response.body as unknown as string,
      };
      return { result, upstreamMs: performance.now() - started, body };
    } catch (error) {
      return { error, upstreamMs: performance.now() - started, ...(body ? { body } : {}) };
    }
  }
  try {
    const result = buildResult(await options.upstream.forward(request), request.method, rules);
    return { result, upstreamMs: performance.now() - started };
  } catch (error) {
    return { error, upstreamMs: performance.now() - started };
  }
};
