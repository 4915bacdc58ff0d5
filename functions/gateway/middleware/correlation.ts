import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { GatewayMiddleware, GatewayRequest } from '../chain/request-state';
import { Header } from '../http/header-names';

/** Accepted ids are short and log-safe, so a client cannot inject lines or bloat every log. */
const ACCEPTED_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** `incoming` is whatever the event carried: a direct invoke may put a number or an object there. */
export const resolveCorrelationId = (incoming: unknown): string =>
  typeof incoming === 'string' && ACCEPTED_ID.test(incoming) ? incoming : randomUUID();

/**
 * Accepts the client's `X-Correlation-ID` when it is 1-128 chars of `[A-Za-z0-9._-]`, otherwise
 * mints a UUID; puts it on every log line and echoes it on every response, errors included.
 * It also opens the per-request state (`context.gateway`) the other middlewares share.
 */
export const correlation = (options: { logger: Logger }): GatewayMiddleware => {
  const correlationBefore = (request: GatewayRequest): void => {
    const correlationId = resolveCorrelationId(request.event?.headers?.[Header.correlationId]);
    request.context.gateway = { correlationId, startedAt: performance.now() };
    options.logger.setCorrelationId(correlationId);
  };
  const correlationAfter = (request: GatewayRequest): void => {
    if (request.response && request.context.gateway) {
      request.response.headers[Header.correlationId] = request.context.gateway.correlationId;
    }
  };
  return { before: correlationBefore, after: correlationAfter, onError: correlationAfter };
};
