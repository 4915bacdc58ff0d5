import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { loginRedirect } from './auth/login-redirect';
import type { LoginWiring } from './auth/login-wiring';
import { type GatewayContext, requestState } from './chain/request-state';
import type { GatewayConfig } from './config/schema';
import { liveness, type ReadinessCheck, readiness } from './health/readiness';
import type { ClientAddressSource } from './http/client-address';
import { UnauthenticatedError } from './http/errors';
import type { FunctionUrlEvent, FunctionUrlResult } from './http/types';
import { accessLog } from './middleware/access-log';
import { authorize } from './middleware/authorize';
import { correlation } from './middleware/correlation';
import { corsPreflight } from './middleware/cors-preflight';
import { corsResponseHeaders } from './middleware/cors-response-headers';
import { csrf } from './middleware/csrf';
import { edgeViewer } from './middleware/edge-viewer';
import { errorResponse } from './middleware/error-response';
import { loginLimitedRoute, rateLimit } from './middleware/rate-limit';
import { rateLimitResponseHeaders } from './middleware/rate-limit-response-headers';
import { route } from './middleware/route';
import { securityHeaders } from './middleware/security-headers';
import { sessionValidation } from './middleware/session-validation';
import { streamingBody } from './middleware/streaming-body';
import { traceAnnotations } from './middleware/trace-annotations';
import { emfMetrics } from './observability/emf-metrics';
import type { GatewayMetrics } from './observability/gateway-metrics';
import { setRedactedHeaders } from './observability/redaction';
import { noTracing, type Tracing } from './observability/tracing';
import { corsPolicies } from './policy/cors-policies';
import { csrfTrustedOrigins } from './policy/cors-policy';
import { forwardPolicy } from './proxy/forward-policy';
import { proxyRequest } from './proxy/proxy-request';
import type { Upstream } from './proxy/upstream';
import { MemoryTokenBucket } from './ratelimit/memory-token-bucket';
import type { RateLimiter } from './ratelimit/rate-limiter';
import { RouteTable } from './routing/route-table';
import type { SessionSigner } from './sessions/session-signer';
import type { SessionStore } from './sessions/session-store';

export interface GatewayDependencies {
  readonly config: GatewayConfig;
  readonly upstream: Upstream;
  readonly logger: Logger;
  /** Powertools Metrics: flushed after every invocation, with the cold-start metric. */
  readonly metrics: Metrics;
  /** Where measurements go. @default EMF through `metrics` */
  readonly gatewayMetrics?: GatewayMetrics;
  /** Session validation; without it every `auth_required` route answers 401 (fail closed). */
  readonly sessions?: { readonly signer: SessionSigner; readonly store: SessionStore };
  /** The bucket store. @default an in-process `MemoryTokenBucket` (limits per container) */
  readonly rateLimiter?: RateLimiter;
  /** Dependencies `/health/ready` reports on. */
  readonly readinessChecks?: readonly ReadinessCheck[];
  /** @default 1000 */
  readonly readinessTimeoutMs?: number;
  /**
   * The function URL is in RESPONSE_STREAM mode: answers are streamed to the client, and routes
   * with `stream: true` pass the upstream's body through without buffering it. @default false
   */
  readonly streaming?: boolean;
  /**
   * Where the client's address (and, behind CloudFront, its Authorization header) comes from; see
   * `ClientAddressSource`. @default 'request-context'
   */
  readonly clientAddress?: ClientAddressSource;
  /** X-Ray tracing of the invocation and its DynamoDB, Redis and upstream calls. @default off */
  readonly tracing?: Tracing;
  /** OpenID Connect login (`auth.oidc`): the `/auth/*` routes and the access tokens they keep. */
  readonly login?: LoginWiring;
  /**
   * Brings rotating secrets up to date before a request (`GatewaySecrets.refresh`): undefined
   * while they are fresh, else a read to wait for, so the session keys a request is checked
   * against are never older than `SECRETS_MAX_AGE_SECONDS`.
   */
  readonly refreshSecrets?: () => Promise<void> | undefined;
}

/**
 * Builds the gateway's middy chain from its dependencies. `handler.ts` wires the AWS adapters;
 * the local server and the tests wire others to the same ports. Call once per container.
 */
export const createGateway = (deps: GatewayDependencies) => {
  const table = new RouteTable(deps.config.routes, {
    defaultLimit: deps.config.default_rate_limit,
  });
  const cors = corsPolicies(table.routes, deps.config.cors);
  const trustedOrigins = new Map(
    table.routes.map((compiled) => [
      compiled,
      csrfTrustedOrigins(cors.forRoute(compiled), deps.config.csrf.trusted_origins),
    ]),
  );
  const noOrigins: ReadonlySet<string> = new Set();
  const checks = deps.readinessChecks ?? [];
  const readinessTimeoutMs = deps.readinessTimeoutMs ?? 1000;
  const measurements = deps.gatewayMetrics ?? emfMetrics(deps.metrics);
  const streaming = deps.streaming ?? false;
  const tracing = deps.tracing ?? noTracing;
  const proxyOptions = {
    upstream: deps.upstream,
    forwarding: forwardPolicy(deps.config.sessions),
    streaming,
  };
  setRedactedHeaders(deps.config.logging.redact_headers);

  const gatewayHandler = async (
    event: FunctionUrlEvent,
    context: GatewayContext,
  ): Promise<FunctionUrlResult> => {
    const state = requestState(context);
    if (state.builtin === 'live') return liveness();
    if (state.builtin === 'ready') return readiness(checks, readinessTimeoutMs, deps.logger);
    if (state.preflight) return { statusCode: 204, headers: { ...state.preflight.headers } };
    if (state.builtin === 'auth' && deps.login) return deps.login.routes.handle(event, state);
    const matched = state.route;
    if (!matched) throw new Error('route middleware did not run');
    let accessToken: string | undefined;
    if (matched.route.config.forward_access_token) {
      // Fail closed: without login wired there is no token to forward.
      if (!deps.login || !state.sessionId) {
        throw new UnauthenticatedError(undefined, { reason: 'no_access_token' });
      }
      accessToken = await deps.login.accessTokens.current(state.sessionId);
    }
    const outcome = await proxyRequest(
      event,
      matched,
      { correlationId: state.correlationId, user: state.user, accessToken },
      proxyOptions,
    );
    context.upstream = outcome;
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  };

  const chain = middy<FunctionUrlEvent, FunctionUrlResult, Error, GatewayContext>({
    streamifyResponse: streaming,
    // No early-timeout timer per request: every wait is already bounded by the route's
    // timeout_ms, which the stack keeps below the function's timeout.
    timeoutEarlyInMillis: 0,
  });
  if (streaming) chain.use(streamingBody());
  // First, so the handler subsegment spans every middleware's work.
  if (tracing.middleware) chain.use(tracing.middleware);
  chain
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }))
    .use(correlation({ logger: deps.logger }))
    .use(edgeViewer(deps.clientAddress ? { clientAddress: deps.clientAddress } : {}))
    .use(accessLog({ logger: deps.logger, metrics: measurements }))
    .use(securityHeaders(deps.config.security_headers))
    .use(corsResponseHeaders(cors))
    .use(rateLimitResponseHeaders());
  // After the logger has the request's context, before anything checks a session: a failed
  // re-read is logged with the correlation id, and never thrown.
  const refreshSecrets = deps.refreshSecrets;
  if (refreshSecrets) {
    chain.use({
      before: async () => {
        await refreshSecrets();
      },
    });
  }
  // Outside the error middleware: a browser's 401 becomes a redirect after it was logged as one.
  if (deps.login) chain.use(loginRedirect({ loginPath: `${deps.login.routes.prefix}/login` }));
  chain
    .use(errorResponse({ logger: deps.logger, metrics: measurements }))
    .use(corsPreflight(table, cors))
    .use(route(table, deps.logger, deps.login?.routes.owns));
  if (tracing.active) chain.use(traceAnnotations(tracing));
  return chain
    .use(
      csrf({
        sessions: deps.config.sessions,
        trustedOrigins: (compiled) => trustedOrigins.get(compiled) ?? noOrigins,
      }),
    )
    .use(
      sessionValidation({
        config: deps.config.sessions,
        roles: deps.config.roles,
        signer: deps.sessions?.signer,
        store: deps.sessions?.store,
        logger: deps.logger,
      }),
    )
    .use(authorize({ logger: deps.logger }))
    .use(
      rateLimit({
        limiter: deps.rateLimiter ?? new MemoryTokenBucket(),
        logger: deps.logger,
        metrics: measurements,
        ...(deps.login && deps.config.auth.oidc
          ? { loginRoute: loginLimitedRoute(deps.config.auth.oidc.rate_limit) }
          : {}),
      }),
    )
    .handler(gatewayHandler);
};

export type GatewayHandler = ReturnType<typeof createGateway>;
