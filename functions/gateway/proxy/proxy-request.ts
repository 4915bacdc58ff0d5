import type { RequestState } from '../chain/request-state';
import type { SessionsConfig } from '../config/schema';
import type { FunctionUrlEvent, FunctionUrlResult } from '../http/types';
import type { MatchedRoute } from '../routing/route-types';
import { buildResult, resultHead } from './build-result';
import { buildUpstreamRequest } from './build-upstream-request';
import { responseRules } from './response-rules';
import type { Upstream } from './upstream';

export interface ProxyOptions {
  readonly upstream: Upstream;
  readonly sessions: SessionsConfig;
  /** The function URL streams (RESPONSE_STREAM): `stream: true` routes pass bodies through. */
  readonly streaming: boolean;
  /** The user's access token, for a route with `forward_access_token`. */
  readonly accessToken?: string;
}

/**
 * The last step of the chain: sends the request to the matched route's upstream and turns the
 * answer into the result, buffered or (streaming mode, `stream: true`) as a stream. Records the
 * time spent waiting on the upstream in the request state, for the access log and metrics.
 */
export const proxyRequest = async (
  event: FunctionUrlEvent,
  matched: MatchedRoute,
  state: RequestState,
  options: ProxyOptions,
): Promise<FunctionUrlResult> => {
  const built = buildUpstreamRequest(event, matched, {
    correlationId: state.correlationId,
    sessions: options.sessions,
    ...(state.user ? { user: state.user } : {}),
  });
  // The gateway's statement of who calls, in place of any Authorization the client sent.
  const request = options.accessToken
    ? { ...built, headers: { ...built.headers, authorization: `Bearer ${options.accessToken}` } }
    : built;
  const rules = responseRules(matched.route, options.sessions);
  const started = performance.now();
  try {
    if (options.streaming && matched.route.config.stream && options.upstream.stream) {
      const response = await options.upstream.stream(request);
      state.upstreamBody = response.body;
      return {
        ...resultHead(response, rules),
        // A stream body, which the buffered result type does not describe; middy pipes it out.
        body: response.body as unknown as string,
      };
    }
    return buildResult(await options.upstream.forward(request), request.method, rules);
  } finally {
    state.upstreamMs = performance.now() - started;
  }
};
